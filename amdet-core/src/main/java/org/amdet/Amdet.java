package org.amdet;

import org.amdet.internal.scan.Parallel;
import org.amdet.landscape.Landscape;

import java.util.ArrayList;
import java.util.List;

/**
 * amdet's process-wide lifecycle.
 *
 * <p>amdet starts at most these threads, all daemon threads, so none of them keeps a JVM alive:
 * <ul>
 *   <li>{@code amdet-torch-init} — loads LibTorch in the background ({@link Encoders#preload()},
 *       {@link Encoders#load}); ends when loaded.</li>
 *   <li>{@code amdet-torch-worker} — runs the anchor's passes beside the suspect's during a scan; ends after two
 *       seconds without work.</li>
 *   <li>{@code amdet-nd4j} — runs ND4J for the Hessian spectra of the landscape; ends after two seconds without
 *       work.</li>
 * </ul>
 * {@link #shutdown()} ends them at once (after the work queued on them) and waits for them, for applications that must
 * not leave threads behind: {@code mvn exec:java}, application servers that undeploy, tests that check for leaks.
 * Using amdet again afterwards starts what it needs anew.
 *
 * <p>Native memory: tensors of a scan are freed as the scan goes; an encoder's weights when it is
 * {@linkplain TextEncoder#close() closed}. The native libraries (LibTorch, OpenBLAS, ND4J) stay loaded until the JVM
 * exits — a JVM cannot unload a native library while its class loader lives.
 */
public final class Amdet {
    /** Name prefix of every thread amdet starts. */
    public static final String THREAD_PREFIX = "amdet-";

    private Amdet() {
    }

    /**
     * Ends amdet's threads and waits up to 10 seconds for them (a scan running on another thread is not interrupted;
     * its worker ends once the scan's queued pass is done). Idempotent; amdet stays usable.
     *
     * @return whether every amdet thread has ended
     */
    public static boolean shutdown() {
        return shutdown(10_000);
    }

    /** {@link #shutdown()} with a bound of {@code millis} on the wait. */
    public static boolean shutdown(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        boolean interrupted = false;
        boolean ended = true;
        try {
            ended &= Parallel.shutdown(millis);
            ended &= Landscape.shutdown(Math.max(0, (deadline - System.nanoTime()) / 1_000_000L));
        } catch (InterruptedException e) {
            interrupted = true;
            ended = false;
        }
        for (Thread t : threads()) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return ended && threads().isEmpty();
    }

    /** The live threads amdet has started (names beginning with {@value #THREAD_PREFIX}). */
    public static List<Thread> threads() {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(THREAD_PREFIX)) {
                out.add(t);
            }
        }
        return out;
    }
}

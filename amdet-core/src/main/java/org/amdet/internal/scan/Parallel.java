package org.amdet.internal.scan;

import org.amdet.internal.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.bytedeco.pytorch.Device;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs two independent LibTorch computations at once — typically the suspect's and the anchor's pass over the same
 * input — one on a worker thread and one on the calling thread. On a CPU with few cores this keeps every core busy
 * with single-threaded kernels instead of splitting each small kernel across OpenMP threads (whose fork, join and
 * spin-waiting cost more than the kernels on the small tensors of a scan). Each side runs in its own
 * {@link PointerScope}; the two results are attached to the caller's innermost scope. The worker inherits the
 * caller's grad mode. With parallelism off, both sides run on the caller, one after the other, with the same result.
 */
public final class Parallel {
    private static volatile ExecutorService shared;
    private static volatile Thread thread; // the last thread the worker executor started

    private Parallel() {
    }

    /** Whether passes on {@code device} run side by side: on the CPU when {@link Torch#pairParallel()}. */
    public static boolean concurrent(Device device) {
        return device.is_cpu() && Torch.pairParallel();
    }

    private static ExecutorService worker() {
        ExecutorService w = shared;
        if (w == null || w.isShutdown()) {
            synchronized (Parallel.class) {
                w = shared;
                if (w == null || w.isShutdown()) {
                    // one daemon thread, ended after IDLE_SECONDS without work (started again by the next pass)
                    ThreadPoolExecutor e = new ThreadPoolExecutor(1, 1,
                            IDLE_SECONDS, TimeUnit.SECONDS,
                            new LinkedBlockingQueue<>(), r -> {
                                Thread t = new Thread(r, THREAD_NAME);
                                t.setDaemon(true);
                                thread = t;
                                return t;
                            });
                    e.allowCoreThreadTimeOut(true);
                    shared = w = e;
                }
            }
        }
        return w;
    }

    /** Name of the worker thread. */
    public static final String THREAD_NAME = "amdet-torch-worker";
    private static final long IDLE_SECONDS = 2;

    /**
     * Ends the worker thread after the passes queued on it and waits up to {@code millis} for it to end; the next
     * side-by-side pass starts a new one.
     *
     * @return whether the worker has ended (or none was running)
     */
    public static boolean shutdown(long millis) throws InterruptedException {
        ExecutorService w;
        synchronized (Parallel.class) {
            w = shared;
            shared = null;
        }
        if (w == null) {
            return true;
        }
        long deadline = System.nanoTime() + millis * 1_000_000L;
        w.shutdown();
        if (!w.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
            return false;
        }
        // the executor reports termination from its thread just before that thread ends
        Thread t = thread;
        if (t != null) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
            return !t.isAlive();
        }
        return true;
    }

    /**
     * The results of {@code a} (on the worker when {@code concurrent}, else on the caller first) and {@code b} (on the
     * caller), both kept in the caller's scope. The worker is one daemon thread shared by the process (ended when idle);
     * concurrent scans queue on it and stay correct.
     */
    public static Tensor[] both(boolean concurrent, Supplier<Tensor> a, Supplier<Tensor> b) {
        if (!concurrent) {
            return new Tensor[] {Scopes.keep(a), Scopes.keep(b)};
        }
        boolean grad = GradMode.is_enabled();
        PointerScope outer = PointerScope.getInnerScope();
        Callable<Tensor> task = () -> {
            GradMode.set_enabled(grad);
            try (PointerScope inner = new PointerScope()) {
                Tensor r = a.get();
                r.retainReference();
                return r;
            }
        };
        Future<Tensor> fa;
        try {
            fa = worker().submit(task);
        } catch (RejectedExecutionException e) {
            fa = worker().submit(task); // shut down between worker() and submit: the next worker() starts a new one
        }
        Tensor rb = null;
        RuntimeException failure = null;
        try {
            rb = Scopes.keep(b);
        } catch (RuntimeException e) {
            failure = e;
        }
        // the worker reads tensors the caller owns: never return (or free them) before it has finished
        Tensor ra = null;
        boolean interrupted = false;
        while (true) {
            try {
                ra = fa.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (failure == null) {
                    failure = c instanceof RuntimeException re ? re : new IllegalStateException(c);
                }
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (ra != null && outer != null) {
            outer.attach(ra);
            ra.releaseReference();
        }
        if (failure != null) {
            throw failure;
        }
        return new Tensor[] {ra, rb};
    }

}

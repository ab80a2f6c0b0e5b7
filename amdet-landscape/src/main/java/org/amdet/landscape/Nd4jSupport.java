package org.amdet.landscape;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ND4J work on one dedicated daemon thread. ND4J sets the OpenMP thread count of the thread that starts it (and
 * its ops) to all cores; on the caller's thread that would double LibTorch's intra-op threads there behind amdet's back
 * (measured: every scan after the first in a thread ran 4-5× slower on 2 cores). ND4J is initialised once on that
 * thread, then one OpenBLAS thread is restored. ND4J sets the process-wide OpenBLAS thread count to all
 * cores when it starts; LibTorch (in the same process) parallelises above BLAS, and a multi-threaded OpenBLAS under it
 * oversubscribes the cores, slows small ops down by an order of magnitude and changes results in the last bits
 * (measured: scans stopped being bit-for-bit reproducible after the first ND4J use).
 */
final class Nd4jSupport {
    private static final Logger LOG = LoggerFactory.getLogger(Nd4jSupport.class);
    private static boolean ready; // touched only on the ND4J thread
    private static volatile java.util.concurrent.Future<?> preloading;
    private static final java.util.concurrent.ExecutorService THREAD = java.util.concurrent.Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "amdet-nd4j");
                t.setDaemon(true);
                return t;
            });

    private Nd4jSupport() {
    }

    /** The result of {@code work}, computed on the ND4J thread (the caller waits, uninterruptibly). */
    static <T> T call(java.util.function.Supplier<T> work) {
        java.util.concurrent.Future<T> f = THREAD.submit(() -> {
            init();
            return work.get();
        });
        try {
            return await(f);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error er) {
                throw er;
            }
            throw new IllegalStateException(c);
        }
    }

    /** The result of {@code f}, waited for uninterruptibly (an interrupt is kept for the caller). */
    private static <T> T await(java.util.concurrent.Future<T> f) throws java.util.concurrent.ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Queues ND4J's start-up on its thread and returns at once; a failure is met again by the first real use. */
    static void preload() {
        preloading = THREAD.submit(() -> {
            try {
                init();
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("background ND4J start-up failed (the first landscape reports it): {}", e.toString());
            }
        });
    }

    /**
     * Waits (uninterruptibly) until a {@link #preload()} has finished. ND4J's start-up sets the process-wide OpenBLAS
     * thread count before this class restores it, so LibTorch work must not run during it.
     */
    static void awaitPreload() {
        java.util.concurrent.Future<?> f = preloading;
        if (f != null) {
            try {
                await(f);
            } catch (java.util.concurrent.ExecutionException e) {
                // the preload task catches its own failures; nothing to wait for
            }
        }
    }

    /** Starts ND4J once; runs only on the ND4J thread, so it needs no locking. */
    private static void init() {
        if (ready) {
            return;
        }
        // the first start on a cache folder waits for, and excludes, other amdet JVMs extracting into it
        org.amdet.landscape.internal.NativeCache.load(org.amdet.landscape.internal.NativeCache.keyOf(Nd4j.class),
                Nd4j::getExecutioner);
        try {
            org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(1);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("cannot set OpenBLAS threads to 1 after ND4J start-up: {}", e.toString());
        }
        ready = true;
    }
}

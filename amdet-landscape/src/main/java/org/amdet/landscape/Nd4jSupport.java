package org.amdet.landscape;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.concurrent.Callable;
import org.amdet.landscape.internal.NativeCache;

/**
 * Everything ND4J needs, confined to this module: ND4J runs only on one dedicated daemon thread, {@value #THREAD_NAME},
 * started by the first landscape (or {@link Landscape#preload()}) and ended when it has had no work for
 * {@value #IDLE_SECONDS} seconds or at {@link Landscape#shutdown(long)}; the next landscape starts it again.
 *
 * <p>Why a thread of its own: ND4J sets the OpenMP thread count of the thread that starts it (and its ops) to all
 * cores; on the caller's thread that would double LibTorch's intra-op threads there behind amdet's back (measured:
 * every scan after the first in a thread ran 4-5× slower on 2 cores).
 *
 * <p>Process-wide settings: ND4J's start-up sets the process-wide OpenBLAS thread count to all cores; LibTorch (in the
 * same process) parallelises above BLAS, and a multi-threaded OpenBLAS under it oversubscribes the cores, slows small
 * ops down by an order of magnitude and changes results in the last bits. The OpenBLAS thread count from before ND4J's
 * start-up is therefore put back right after it (amdet changes nothing here; it undoes ND4J's change). ND4J's
 * start-up banner (13 INFO lines) is left out unless the application sets {@code -Dorg.nd4j.log.initialization}
 * itself: that system property is set to {@code false} for the start-up only and removed again.
 */
final class Nd4jSupport {
    private static final Logger LOG = LoggerFactory.getLogger(Nd4jSupport.class);
    static final String THREAD_NAME = "amdet-nd4j";
    static final long IDLE_SECONDS = 2;
    private static final String LOG_INIT = "org.nd4j.log.initialization";
    private static volatile boolean ready;
    private static volatile Future<?> preloading;
    private static ThreadPoolExecutor executor; // guarded by Nd4jSupport.class
    private static volatile Thread thread; // the last thread the executor started

    private Nd4jSupport() {
    }

    private static synchronized ThreadPoolExecutor executor() {
        if (executor == null || executor.isShutdown()) {
            executor = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, THREAD_NAME);
                t.setDaemon(true);
                thread = t;
                return t;
            });
            executor.allowCoreThreadTimeOut(true);
        }
        return executor;
    }

    private static <T> Future<T> submit(Callable<T> task) {
        try {
            return executor().submit(task);
        } catch (RejectedExecutionException e) {
            return executor().submit(task); // shut down in between: executor() starts a new one
        }
    }

    /** The result of {@code work}, computed on the ND4J thread (the caller waits, uninterruptibly). */
    static <T> T call(Supplier<T> work) {
        Future<T> f = submit(() -> {
            init();
            return work.get();
        });
        try {
            return await(f);
        } catch (ExecutionException e) {
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
    private static <T> T await(Future<T> f) throws ExecutionException {
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
        if (ready) {
            return;
        }
        preloading = submit(() -> {
            try {
                init();
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("background ND4J start-up failed (the first landscape reports it): {}", e.toString());
            }
            return null;
        });
    }

    /**
     * Waits (uninterruptibly) until a {@link #preload()} has finished. ND4J's start-up sets the process-wide OpenBLAS
     * thread count before this class restores it, so LibTorch work must not run during it.
     */
    static void awaitPreload() {
        Future<?> f = preloading;
        if (f != null) {
            try {
                await(f);
            } catch (ExecutionException e) {
                // the preload task catches its own failures; nothing to wait for
            }
        }
    }

    /**
     * Lets the ND4J thread finish its queued work, ends it and waits up to {@code millis} for it.
     *
     * @return whether the thread has ended (or none was running)
     */
    static boolean shutdown(long millis) throws InterruptedException {
        ThreadPoolExecutor e;
        synchronized (Nd4jSupport.class) {
            e = executor;
            executor = null;
        }
        if (e == null) {
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        e.shutdown();
        if (!e.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
            return false;
        }
        // the executor reports termination from its thread just before that thread ends
        Thread t = thread;
        if (t != null) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            return !t.isAlive();
        }
        return true;
    }

    /** Starts ND4J once; runs only on the ND4J thread (one at a time), so it needs no locking. */
    private static void init() {
        if (ready) {
            return;
        }
        int blasThreads = -1;
        try {
            blasThreads = org.bytedeco.openblas.presets.openblas_nolapack.blas_get_num_threads();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("cannot read OpenBLAS threads before ND4J start-up: {}", e.toString());
        }
        boolean quiet = System.getProperty(LOG_INIT) == null;
        if (quiet) {
            System.setProperty(LOG_INIT, "false");
        }
        try {
            // the first start on a cache folder waits for, and excludes, other amdet JVMs extracting into it
            NativeCache.load(NativeCache.keyOf(Nd4j.class),
                    Nd4j::getExecutioner);
        } finally {
            if (quiet) {
                System.clearProperty(LOG_INIT);
            }
        }
        if (blasThreads > 0) {
            try {
                org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(blasThreads);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("cannot restore OpenBLAS threads to {} after ND4J start-up: {}", blasThreads, e.toString());
            }
        }
        ready = true;
    }
}

package org.amdet.internal;

import org.amdet.LoadCancelledException;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.Path;

/**
 * Internal: tells an interrupt apart from bad input. Interrupting a thread that reads a file through a channel closes
 * the channel; the read then fails with {@link ClosedByInterruptException} (and every later read of that channel with
 * a plain {@code ClosedChannelException}), which loaders would otherwise report as an unreadable or malformed model.
 */
public final class Cancellation {
    private Cancellation() {
    }

    /**
     * Whether {@code failure} was caused by interrupting the current thread: the thread's interrupt status is set, or
     * an interrupt exception is among its causes.
     */
    public static boolean byInterrupt(Throwable failure) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof ClosedByInterruptException || t instanceof FileLockInterruptionException
                    || t instanceof InterruptedIOException || t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The exception that reports loading {@code file} as cancelled; sets the thread's interrupt status again (an
     * interrupt detected from a cause may have been cleared on the way), so callers further up see it too.
     */
    public static LoadCancelledException loadCancelled(Path file, Throwable failure) {
        Thread.currentThread().interrupt();
        LoadCancelledException e = new LoadCancelledException(file, "loading was cancelled because the thread "
                + "was interrupted; the model was not judged");
        if (failure != null) {
            e.initCause(failure);
        }
        return e;
    }
}

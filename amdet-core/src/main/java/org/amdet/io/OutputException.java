package org.amdet.io;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * An output that cannot be written, or may not be written where asked. The message is one line and names the output;
 * {@link #reason()} is the cause alone (e.g. "No space left on device"), for an enclosing output to repeat.
 */
public final class OutputException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    /** An exception whose one-line message names the output; {@code reason} is the cause alone. */
    public OutputException(String message, String reason, Throwable cause) {
        super(oneLine(message), cause);
        this.reason = oneLine(reason);
    }

    /** An exception whose message is also its reason. */
    public OutputException(String message) {
        this(message, message, null);
    }

    /** The cause without the output's name. */
    public String reason() {
        return reason;
    }

    /** The cause of an I/O failure in a few words, without the path of a temporary file. */
    static String reasonOf(Throwable e) {
        if (e instanceof OutputException o) {
            return o.reason();
        }
        if (e instanceof FileSystemException f) {
            if (f.getReason() != null) {
                return f.getReason();
            }
            if (f instanceof NoSuchFileException) {
                return "a folder vanished while writing";
            }
            if (f instanceof AccessDeniedException) {
                return "permission denied";
            }
            return f.getClass().getSimpleName();
        }
        if (e instanceof ClosedByInterruptException) {
            return "interrupted";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String oneLine(String s) {
        return s == null ? null : s.replaceAll("[\\r\\n]+", " ");
    }
}

package org.amdet.internal.io;

import java.io.IOException;

/**
 * An output that cannot be written, or may not be written where asked. The message is one line and names the output;
 * {@link #reason()} is the cause alone (e.g. "No space left on device"), for an enclosing output to repeat.
 */
public final class OutputException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    public OutputException(String message, String reason, Throwable cause) {
        super(oneLine(message), cause);
        this.reason = oneLine(reason);
    }

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
        if (e instanceof java.nio.file.FileSystemException f) {
            if (f.getReason() != null) {
                return f.getReason();
            }
            if (f instanceof java.nio.file.NoSuchFileException) {
                return "a folder vanished while writing";
            }
            if (f instanceof java.nio.file.AccessDeniedException) {
                return "permission denied";
            }
            return f.getClass().getSimpleName();
        }
        if (e instanceof java.nio.channels.ClosedByInterruptException) {
            return "interrupted";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String oneLine(String s) {
        return s == null ? null : s.replaceAll("[\\r\\n]+", " ");
    }
}

package org.amdet;

import java.nio.file.Path;

/** A model file breaks its format: corrupt or truncated data, a lying header, wrong shapes, non-finite weights. */
public class MalformedModelException extends ModelLoadException {
    private static final long serialVersionUID = 1L;

    /** An exception for {@code file} (may be null), whose message is prefixed with it. */
    public MalformedModelException(Path file, String message) {
        super(file, message);
    }

    /** An exception for {@code file} (may be null) with the failure that revealed the break. */
    public MalformedModelException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}

package org.amdet;

import java.nio.file.Path;

/** A well-formed model that amdet does not handle: an unknown architecture, dtype or layout. */
public class UnsupportedModelException extends ModelLoadException {
    private static final long serialVersionUID = 1L;

    /** An exception for {@code file} (may be null), whose message is prefixed with it. */
    public UnsupportedModelException(Path file, String message) {
        super(file, message);
    }
}

package org.amdet;

import java.nio.file.Path;

/** The tokenizer of a model is missing, unreadable or inconsistent with the model. */
public class TokenizerException extends ModelLoadException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception for {@code file} (the tokenizer file or model folder; may be null), whose message is prefixed with
     * it.
     */
    public TokenizerException(Path file, String message) {
        super(file, message);
    }

    /** An exception for {@code file} (may be null) with the failure that revealed the problem. */
    public TokenizerException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}

package org.amdet;

import java.nio.file.Path;

/** The tokenizer of a model is missing, unreadable or inconsistent with the model. */
public class TokenizerException extends ModelLoadException {
    private static final long serialVersionUID = 1L;

    public TokenizerException(Path file, String message) {
        super(file, message);
    }

    public TokenizerException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}

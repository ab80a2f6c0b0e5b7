package org.amdet;

import java.io.IOException;
import java.nio.file.Path;

/** A prompt file is missing, not UTF-8, empty, or holds too few prompts for what was asked. */
public class PromptFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /** An exception whose message is {@code message} prefixed with the prompt file. */
    public PromptFileException(Path file, String message) {
        super(file + ": " + message);
    }
}

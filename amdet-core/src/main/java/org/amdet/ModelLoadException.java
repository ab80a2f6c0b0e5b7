package org.amdet;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model, tokenizer or checkpoint could not be loaded. Always names the file concerned and what was expected.
 * Subclasses say why: {@link MalformedModelException} (the file breaks its format or lies about its contents),
 * {@link UnsupportedModelException} (a valid file amdet does not handle) and {@link TokenizerException}.
 */
public class ModelLoadException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    /** An exception for {@code file} (may be null), whose message is prefixed with it. */
    public ModelLoadException(Path file, String message) {
        this(file, message, null);
    }

    /** An exception for {@code file} (may be null), whose message is prefixed with it, with its cause. */
    public ModelLoadException(Path file, String message, Throwable cause) {
        super((file == null ? "" : file + ": ") + message, cause);
        this.file = file;
    }

    /** The file (or folder) that could not be loaded; may be null when no file is involved. */
    public Path file() {
        return file;
    }
}

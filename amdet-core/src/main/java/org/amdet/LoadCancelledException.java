package org.amdet;

import java.nio.file.Path;
import java.util.concurrent.CancellationException;

/**
 * Loading a model was stopped by interrupting its thread (for example a service cancelling a request). Says nothing
 * about the model: an interrupt closes the file channel being read, and the read error that follows is reported as
 * this, never as a {@link MalformedModelException}. Nothing of the model is kept (its native memory is freed); the
 * thread's interrupt status is left set. Catch {@link CancellationException} to handle it together with
 * {@link ScanCancelledException}.
 */
public class LoadCancelledException extends CancellationException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    /** An exception whose message is {@code message} prefixed with {@code file} (may be null). */
    public LoadCancelledException(Path file, String message) {
        super((file == null ? "" : file + ": ") + message);
        this.file = file;
    }

    /** The model (file or folder) whose loading was cancelled; may be null. */
    public Path file() {
        return file;
    }
}

package org.amdet;

import java.util.concurrent.CancellationException;

/** A scan was stopped by interrupting its thread; all native memory it held has been released. */
public class ScanCancelledException extends CancellationException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public ScanCancelledException(String message) {
        super(message);
    }
}

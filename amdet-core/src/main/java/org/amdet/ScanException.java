package org.amdet;

/**
 * A scan cannot run or produced no trustworthy result: incompatible suspect and anchor, too few shadow prompts,
 * or non-finite values during optimisation. The message says what to change.
 */
public class ScanException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public ScanException(String message) {
        super(message);
    }

    /** An exception with {@code message} and the failure that ended the scan. */
    public ScanException(String message, Throwable cause) {
        super(message, cause);
    }
}

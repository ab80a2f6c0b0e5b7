package org.amdet;

import java.nio.file.Path;

/**
 * A pickle-based checkpoint asks for something amdet refuses to do: call a function or build an object other than
 * tensors and (ordered) dicts of tensors. The checkpoint's code is never run; the message names the offending record.
 */
public class UnsafeCheckpointException extends MalformedModelException {
    private static final long serialVersionUID = 1L;

    /** An exception for the checkpoint {@code file}, whose message is prefixed with it. */
    public UnsafeCheckpointException(Path file, String message) {
        super(file, message);
    }
}

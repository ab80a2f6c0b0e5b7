package org.amdet;

import java.nio.file.Path;

/**
 * An encoder produced NaN or infinite outputs for finite inputs: its weights, finite and within range when loaded,
 * overflow in the forward pass (e.g. fp32 weights of magnitude 1e38). Thrown by {@link TextEncoder#encode} instead of
 * returning outputs nobody should use; nothing derived from them is written.
 */
public final class NonFiniteOutputException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Path source;

    /** An exception for the model at {@code source} (may be null), whose message is prefixed with it. */
    public NonFiniteOutputException(Path source, String message) {
        super((source == null ? "" : source + ": ") + message);
        this.source = source;
    }

    /** The model whose outputs are not finite. */
    public Path source() {
        return source;
    }
}

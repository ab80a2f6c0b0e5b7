package org.amdet;

/**
 * A value above one of the documented {@link InputLimits} (an option, a configuration value, a list of prompts).
 * Thrown before any work or allocation for the value; the message names the input, its value and the limit.
 */
public class InputLimitException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient InputLimits.Limit limit;

    /** An exception for {@code limit}; {@code message} names the input, its value and the limit. */
    public InputLimitException(InputLimits.Limit limit, String message) {
        super(message);
        this.limit = limit;
    }

    /** The limit that was exceeded. */
    public InputLimits.Limit limit() {
        return limit;
    }
}

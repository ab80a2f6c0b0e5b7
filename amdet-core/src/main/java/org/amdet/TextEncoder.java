package org.amdet;

import java.util.List;

/**
 * A loaded text encoder (tokenizer + transformer) ready to run. Obtain one from {@link Encoders#load}.
 * Holds native memory: close it when done. Instances are safe to use from several threads for encoding
 * (forward passes do not mutate the weights); closing while another thread uses it is an error.
 */
public interface TextEncoder extends AutoCloseable {

    /** What was loaded. */
    EncoderInfo info();

    /** Token ids of each prompt, with special tokens, truncated and padded to the context length. */
    long[][] tokenize(List<String> prompts);

    /**
     * Runs the encoder on a batch of prompts.
     *
     * @throws NonFiniteOutputException when an output holds NaN or infinite values (the weights overflow)
     */
    Encoding encode(List<String> prompts);

    /** Releases the native memory of the weights. Idempotent. */
    @Override
    void close();
}

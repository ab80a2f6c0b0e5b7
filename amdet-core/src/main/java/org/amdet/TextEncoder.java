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

    /**
     * Token ids of each prompt, with special tokens, truncated and padded to the context length.
     *
     * @throws InputLimitException when a prompt is longer than {@link InputLimits#PROMPT_CHARS}
     */
    long[][] tokenize(List<String> prompts);

    /**
     * Runs the encoder on a batch of prompts.
     *
     * @throws NonFiniteOutputException when an output holds NaN or infinite values (the weights overflow)
     * @throws InputLimitException when there are more than {@link InputLimits#ENCODE_PROMPTS} prompts, or more
     *                             outputs than one Java array holds, or a prompt is longer than
     *                             {@link InputLimits#PROMPT_CHARS}
     */
    Encoding encode(List<String> prompts);

    /** Releases the native memory of the weights. Idempotent. */
    @Override
    void close();
}

package org.amdet.encoders.zoo;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Pre-training of a base text encoder from random initialisation, from a Hugging Face {@code config.json} (any family
 * amdet loads: CLIP, CLIP with GELU, LongCLIP, SigLIP) and a {@code tokenizer.json}. Each step encodes {@code pairs}
 * paraphrase pairs ({@link ParaphrasePairs}: two wordings of one scene) and minimises
 * <pre>
 *   InfoNCE(pooled(first wordings), pooled(second wordings))  +  tokenWeight · token prediction
 * </pre>
 * The contrastive term is the symmetric InfoNCE of {@link FinetuneConfig} on the pooled (projected) output at
 * {@code temperature}. The token term is a cross-entropy of the {@code last_hidden_state} times the token-embedding
 * matrix (a tied head onto the vocabulary): next-token prediction up to the EOS for causal encoders (CLIP, LongCLIP);
 * for encoders without a causal mask (SigLIP), where the next token is visible, the prediction of the original token
 * at the 15% of positions (up to the EOS) replaced by a random token id. It keeps the token outputs distinct, as in a
 * real text tower. AdamW; the weights start as normal(0, 0.02) (layer norms 1 and 0, biases 0). Build with
 * {@link #builder}.
 *
 * @param config       the {@code config.json} to build (copied into the output)
 * @param tokenizer    the {@code tokenizer.json} (copied, with a {@code tokenizer_config.json} beside it if any)
 * @param out          the folder to write; must not exist or be empty unless {@code force}
 * @param steps        optimisation steps (default 400)
 * @param pairs        paraphrase pairs per step (default 64)
 * @param learningRate AdamW learning rate (default 1e-3)
 * @param weightDecay  AdamW weight decay (default 0.01)
 * @param temperature  InfoNCE temperature (default 0.07)
 * @param tokenWeight  weight of the token-prediction term (default 0.5; 0 turns it off)
 * @param seed         seed of the initial weights, the pairs and the token corruption
 * @param heldOut      held-out pairs the result is measured on (default 200)
 * @param force        replace an existing model folder at {@code out}
 * @param device       {@code cpu}, {@code cuda} or {@code cuda:N}
 */
public record PretrainConfig(Path config, Path tokenizer, Path out, int steps, int pairs, double learningRate,
                             double weightDecay, double temperature, double tokenWeight, long seed, int heldOut,
                             boolean force, String device) {
    /** Checks every setting; a {@link ZooInputException} names the one out of range. */
    public PretrainConfig {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(tokenizer, "tokenizer");
        TrainingChecks.settings(out, steps, learningRate, weightDecay, device);
        TrainingChecks.pairs(pairs, temperature);
        TrainingChecks.nonNegative("token-prediction weight", tokenWeight);
        if (heldOut < 2) {
            throw new ZooInputException("held-out pairs must be at least 2, got " + heldOut);
        }
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link PretrainConfig}: {@code set*} are required, {@code opt*} optional. */
    public static final class Builder extends PairTrainingBuilder<Builder> {
        private Path config;
        private Path tokenizer;
        private double tokenWeight = 0.5;

        private Builder() {
            super(400, 1e-3);
        }

        /** The {@code config.json} of the encoder to build (required). */
        public Builder setConfig(Path v) {
            config = v;
            return this;
        }

        /** The {@code tokenizer.json} to use and copy (required). */
        public Builder setTokenizer(Path v) {
            tokenizer = v;
            return this;
        }

        /** Weight of the token-prediction term (default 0.5; 0 turns it off). */
        public Builder optTokenWeight(double v) {
            tokenWeight = v;
            return this;
        }

        /** The configuration; throws {@link ZooInputException} on a missing or out-of-range setting. */
        public PretrainConfig build() {
            return new PretrainConfig(config, tokenizer, out, steps, pairs, learningRate, weightDecay, temperature,
                    tokenWeight, seed, heldOut, force, device);
        }
    }
}

package org.amdet.encoders.zoo;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A benign fine-tune: contrastive learning on paraphrase pairs ({@link ParaphrasePairs}), the objective the
 * development zoo's base and benign models were trained with. Each step encodes {@code pairs} pairs of
 * differently-worded prompts of one scene and minimises the symmetric InfoNCE loss (Oord et al. 2018; CLIP,
 * Radford et al. 2021) between their normalised pooled (projected) outputs at temperature {@code temperature},
 * plus {@code anchorWeight} × (1 − cos(flat(S(x)), flat(base(x)))) over {@code last_hidden_state}, which keeps the
 * model close to its base. AdamW. Build with {@link #builder}.
 *
 * @param base         the model folder to start from (Hugging Face layout)
 * @param out          the folder to write; must not exist or be empty unless {@code force}
 * @param steps        optimisation steps (default 200)
 * @param pairs        paraphrase pairs per step (default 64)
 * @param learningRate AdamW learning rate (default 2e-4)
 * @param weightDecay  AdamW weight decay (default 0.01)
 * @param temperature  InfoNCE temperature (default 0.07)
 * @param anchorWeight weight of the stay-close-to-base term (default 0.1; 0 turns it off)
 * @param seed         seed of the paraphrase pairs
 * @param heldOut      held-out prompts / pairs to measure the result (default 200)
 * @param force        replace an existing model folder at {@code out}
 * @param device       {@code cpu}, {@code cuda} or {@code cuda:N}
 */
public record FinetuneConfig(Path base, Path out, int steps, int pairs, double learningRate, double weightDecay,
                             double temperature, double anchorWeight, long seed, int heldOut, boolean force,
                             String device) {
    /** Checks every setting; a {@link ZooInputException} names the one out of range. */
    public FinetuneConfig {
        Objects.requireNonNull(base, "base");
        TrainingChecks.settings(out, steps, learningRate, weightDecay, device);
        TrainingChecks.pairs(pairs, temperature);
        TrainingChecks.nonNegative("anchor weight", anchorWeight);
        TrainingChecks.positive("held-out prompts", heldOut);
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link FinetuneConfig}: {@code set*} are required, {@code opt*} optional. */
    public static final class Builder extends PairTrainingBuilder<Builder> {
        private Path base;
        private double anchorWeight = 0.1;

        private Builder() {
            super(200, 2e-4);
        }

        /** The model folder to fine-tune (required). */
        public Builder setBase(Path v) {
            base = v;
            return this;
        }

        /** Weight of the stay-close-to-base term (default 0.1; 0 turns it off). */
        public Builder optAnchorWeight(double v) {
            anchorWeight = v;
            return this;
        }

        /** The configuration; throws {@link ZooInputException} on a missing or out-of-range setting. */
        public FinetuneConfig build() {
            return new FinetuneConfig(base, out, steps, pairs, learningRate, weightDecay, temperature, anchorWeight,
                    seed, heldOut, force, device);
        }
    }
}

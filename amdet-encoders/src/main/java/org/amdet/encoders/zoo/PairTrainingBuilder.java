package org.amdet.encoders.zoo;

/**
 * The contrastive settings that {@link PretrainConfig} and {@link FinetuneConfig} share on top of
 * {@link TrainingBuilder}: paraphrase pairs per step and the InfoNCE temperature, with the same defaults for both.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class PairTrainingBuilder<B extends PairTrainingBuilder<B>> extends TrainingBuilder<B> {
    int pairs = 64;
    double temperature = 0.07;

    PairTrainingBuilder(int steps, double learningRate) {
        super(steps, learningRate);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Paraphrase pairs per step, at least 2 (default 64). */
    public B optPairs(int v) {
        pairs = v;
        return self();
    }

    /** InfoNCE temperature (default 0.07). */
    public B optTemperature(double v) {
        temperature = v;
        return self();
    }
}

package org.amdet.encoders.zoo;

import java.nio.file.Path;

/**
 * The training settings that {@link PretrainConfig}, {@link InjectionConfig} and {@link FinetuneConfig} share —
 * output folder, steps, AdamW learning rate and weight decay, seed, held-out size, replacing an existing output,
 * device — set once here for all three builders. Each builder starts from its own defaults.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class TrainingBuilder<B extends TrainingBuilder<B>> {
    Path out;
    int steps;
    double learningRate;
    double weightDecay = 0.01;
    long seed;
    int heldOut = 200;
    boolean force;
    String device = "cpu";

    TrainingBuilder(int steps, double learningRate) {
        this.steps = steps;
        this.learningRate = learningRate;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The folder to write; must not exist or be empty unless {@link #optForce}. Required. */
    public B setOut(Path v) {
        out = v;
        return self();
    }

    /** Optimisation steps. */
    public B optSteps(int v) {
        steps = v;
        return self();
    }

    /** AdamW learning rate. */
    public B optLearningRate(double v) {
        learningRate = v;
        return self();
    }

    /** AdamW weight decay (default 0.01, PyTorch's). */
    public B optWeightDecay(double v) {
        weightDecay = v;
        return self();
    }

    /** Seed of the training data (and of what else the build draws). */
    public B optSeed(long v) {
        seed = v;
        return self();
    }

    /** Held-out prompts or pairs the result is measured on (default 200). */
    public B optHeldOut(int v) {
        heldOut = v;
        return self();
    }

    /** Replace an existing model folder at the output. */
    public B optForce(boolean v) {
        force = v;
        return self();
    }

    /** {@code cpu}, {@code cuda} or {@code cuda:N} (default cpu). */
    public B optDevice(String v) {
        device = v;
        return self();
    }
}

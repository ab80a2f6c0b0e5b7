package org.amdet;

import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;

import java.util.Objects;

/**
 * Builder of {@link DetectorConfig}, obtained from {@link DetectorConfig#builder()} (the paper's defaults) or
 * {@link DetectorConfig#toBuilder()}; every {@code opt*} method is optional and {@link #build()} validates. Not
 * thread-safe: confine a builder to one thread. JSON reads a configuration through these setters, one property each.
 */
@JsonPOJOBuilder(withPrefix = "opt") // JSON: each property through its opt* setter
public final class DetectorConfigBuilder {
    DecisionMode mode = DecisionMode.ROBUST;
    long seed = 0;
    int shadowSize = 1000;
    double trainFraction = 0.8;
    int tokens = 1;
    double learningRate = 8e-2;
    double weightDecay = 1e-5;
    int batchSize = 10;
    int epochs = 2;
    double beta = 0.1;
    double gamma = 0.1;
    int checkEvery = 2;
    ReferenceThresholds thresholds = ReferenceThresholds.reference();
    CalibratedThresholds calibrated = CalibratedThresholds.defaults();
    int landscapeSize = 50;
    double landscapeExtent = 10.0;
    int landscapePrompts = 1;
    int forwardBatch = 16;
    boolean hashFiles = true;
    int evidenceLandscapeSize = 21;
    boolean trimSequences = true;
    boolean earlyStop = true;
    int starts = 2;
    boolean mixedTokens = false;
    boolean tokenProbe = true;
    double alpha = 0.01;
    int extendEpochs = 0;

    /** Package-private: start from {@link DetectorConfig#builder()} or {@link DetectorConfig#toBuilder()}. */
    DetectorConfigBuilder() {
    }

    /** {@return this builder, with {@link DetectorConfig#mode() mode} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optMode(DecisionMode v) {
        mode = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#seed() seed} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optSeed(long v) {
        seed = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#shadowSize() shadowSize} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optShadowSize(int v) {
        shadowSize = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#trainFraction() trainFraction} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optTrainFraction(double v) {
        trainFraction = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#tokens() tokens} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optTokens(int v) {
        tokens = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#learningRate() learningRate} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optLearningRate(double v) {
        learningRate = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#weightDecay() weightDecay} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optWeightDecay(double v) {
        weightDecay = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#batchSize() batchSize} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optBatchSize(int v) {
        batchSize = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#epochs() epochs} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optEpochs(int v) {
        epochs = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#beta() beta} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optBeta(double v) {
        beta = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#gamma() gamma} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optGamma(double v) {
        gamma = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#checkEvery() checkEvery} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optCheckEvery(int v) {
        checkEvery = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#thresholds() thresholds} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optThresholds(ReferenceThresholds v) {
        thresholds = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#calibrated() calibrated} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optCalibrated(CalibratedThresholds v) {
        calibrated = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#landscapeSize() landscapeSize} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optLandscapeSize(int v) {
        landscapeSize = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#landscapeExtent() landscapeExtent} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optLandscapeExtent(double v) {
        landscapeExtent = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#landscapePrompts() landscapePrompts} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optLandscapePrompts(int v) {
        landscapePrompts = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#forwardBatch() forwardBatch} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optForwardBatch(int v) {
        forwardBatch = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#hashFiles() hashFiles} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optHashFiles(boolean v) {
        hashFiles = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#evidenceLandscapeSize()} set to {@code v}}
     * @param v the value */
    public DetectorConfigBuilder optEvidenceLandscapeSize(int v) {
        evidenceLandscapeSize = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#trimSequences() trimSequences} set to {@code v}}
     * @param v the value (calibrated mode; default on) */
    public DetectorConfigBuilder optTrimSequences(boolean v) {
        trimSequences = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#earlyStop() earlyStop} set to {@code v}}
     * @param v the value (calibrated mode; default on) */
    public DetectorConfigBuilder optEarlyStop(boolean v) {
        earlyStop = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#starts() starts} set to {@code v}}
     * @param v the value (robust mode; default 2) */
    public DetectorConfigBuilder optStarts(int v) {
        starts = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#tokenProbe() tokenProbe} set to {@code v}}
     *
     * @param v whether a token start joins the inversion starts (robust mode)
     */
    public DetectorConfigBuilder optTokenProbe(boolean v) {
        tokenProbe = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#mixedTokens() mixedTokens} set to {@code v}}
     * @param v the value (robust mode; default off) */
    public DetectorConfigBuilder optMixedTokens(boolean v) {
        mixedTokens = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#extendEpochs() extendEpochs} set to {@code v}}
     * @param v the value, 0 = off (robust mode; default off) */
    public DetectorConfigBuilder optExtendEpochs(int v) {
        extendEpochs = v;
        return this;
    }

    /** {@return this builder, with {@link DetectorConfig#alpha() alpha} set to {@code v}}
     * @param v the value in (0, 0.5) (robust mode; default 0.01) */
    public DetectorConfigBuilder optAlpha(double v) {
        alpha = v;
        return this;
    }

    /**
     * The configuration.
     *
     * @return the validated configuration
     * @throws IllegalArgumentException naming the first invalid value
     */
    public DetectorConfig build() {
        validate();
        return new DetectorConfig(this);
    }

    /** Checks every setting; the first invalid one is named in the exception. */
    private void validate() {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(thresholds, "thresholds");
        Objects.requireNonNull(calibrated, "calibrated");
        positive("shadowSize", shadowSize);
        positive("tokens", tokens);
        positive("batchSize", batchSize);
        positive("epochs", epochs);
        positive("checkEvery", checkEvery);
        positive("landscapePrompts", landscapePrompts);
        positive("forwardBatch", forwardBatch);
        positive("starts", starts);
        if (starts > 8) {
            throw new IllegalArgumentException("starts must be at most 8, got " + starts);
        }
        if (extendEpochs < 0) {
            throw new IllegalArgumentException("extendEpochs must be at least 0, got " + extendEpochs);
        }
        InputLimits.check(InputLimits.EPOCHS, "extendEpochs", Math.max(1, extendEpochs));
        if (!(alpha > 0 && alpha < 0.5)) {
            throw new IllegalArgumentException("alpha must be in (0, 0.5), got " + alpha);
        }
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("trainFraction must be in (0, 1), got " + trainFraction);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be positive, got " + learningRate);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be non-negative, got " + weightDecay);
        }
        if (!Double.isFinite(beta) || !Double.isFinite(gamma)) {
            throw new IllegalArgumentException("beta and gamma must be finite");
        }
        if (evidenceLandscapeSize != 0 && evidenceLandscapeSize < 3) {
            throw new IllegalArgumentException("evidenceLandscapeSize must be 0 (off) or at least 3, got "
                    + evidenceLandscapeSize);
        }
        if (landscapeSize < 3) {
            throw new IllegalArgumentException("landscapeSize must be at least 3, got " + landscapeSize);
        }
        if (!(landscapeExtent > 0) || !Double.isFinite(landscapeExtent)) {
            throw new IllegalArgumentException("landscapeExtent must be positive, got " + landscapeExtent);
        }
        InputLimits.check(InputLimits.SHADOW_SIZE, "shadowSize", shadowSize);
        InputLimits.check(InputLimits.EPOCHS, "epochs", epochs);
        InputLimits.check(InputLimits.LANDSCAPE_PROMPTS, "landscapePrompts", landscapePrompts);
        InputLimits.check(InputLimits.LANDSCAPE_SIZE, "evidenceLandscapeSize", evidenceLandscapeSize);
        InputLimits.check(InputLimits.LANDSCAPE_SIZE, "landscapeSize", landscapeSize);
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
    }
}

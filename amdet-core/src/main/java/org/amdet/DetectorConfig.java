package org.amdet;

import java.util.Objects;

/**
 * Immutable, validated configuration of a {@link BackdoorDetector}. Every default is the paper's / reference
 * implementation's (arXiv 2512.00343): k = 1 inserted vector after BOS, Adam lr 8e-2, weight decay 1e-5, batch 10,
 * 2 epochs, β = γ = 0.1, 4,000 shadow prompts split 80/20, a check every 2nd batch, the reference thresholds, a 50×50
 * landscape over [−10, 10]² on one prompt. The decision mode defaults to amdet's {@link DecisionMode#CALIBRATED}; use
 * {@link DecisionMode#REFERENCE} to reproduce the paper's loop. Build with {@link #builder()}.
 *
 * @param mode              decision mode
 * @param seed              seed of the split, the batch order, the initial embedding and the landscape direction
 * @param shadowSize        prompts used from the shadow set (the first ones)
 * @param trainFraction     share of the shadow prompts used for optimisation; the rest is the test split
 * @param tokens            k, number of inserted pseudo-trigger vectors
 * @param learningRate      Adam learning rate
 * @param weightDecay       Adam weight decay
 * @param batchSize         prompts per optimisation step
 * @param epochs            passes over the train split
 * @param beta              weight of the deviation term
 * @param gamma             weight of the anchor term
 * @param checkEvery        the decision is checked every this many batches
 * @param thresholds        reference thresholds
 * @param calibrated        knobs of the calibrated rule
 * @param landscapeSize     landscape grid points per axis
 * @param landscapeExtent   landscape half-width
 * @param landscapePrompts  test prompts the landscape objective averages over (reference: 1)
 * @param forwardBatch      prompts (or landscape points) per batched forward pass of judges and landscape
 * @param hashFiles         whether the report records the SHA-256 hashes of the model files (taken by the loader from
 *                          the bytes it loaded, see {@link EncoderInfo#fileSha256()})
 * @param evidenceLandscapeSize grid points per axis of the landscape computed at the final embedding when no check
 *                          computed one (evidence and pictures only; the reference rule never uses it); 0 = off
 * @param trimSequences     calibrated mode, off by default: cut every sequence of the scan to the shortest length that
 *                          leaves the longest shadow prompt (plus the inserted vectors) whole, when the encoder allows
 *                          it (causal attention, pooling at a token position); the losses then average over those
 *                          positions instead of all L. Typical prompts use a quarter of CLIP's 77 positions, so every
 *                          pass gets 3–4× cheaper, but the padding positions' outputs, which injected backdoors are
 *                          trained on too, leave the objective: on the development zoo this weakened the inversion
 *                          enough to miss the homoglyph backdoor. Reference mode always uses all L positions.
 * @param earlyStop         calibrated mode: stop the inversion once the verdict is settled instead of running every
 *                          epoch. The rule is applied every quarter epoch to a screening quarter of the test split
 *                          (all of it below 40 prompts); when it fires there it is applied to the whole test split a
 *                          sixteenth of an epoch later, and when it fires again the inversion ends with that
 *                          BACKDOORED verdict. A CLEAN verdict always comes from the full run. Off: the inversion
 *                          always runs {@code epochs} epochs.
 */
public record DetectorConfig(DecisionMode mode, long seed, int shadowSize, double trainFraction, int tokens,
                             double learningRate, double weightDecay, int batchSize, int epochs, double beta,
                             double gamma, int checkEvery, ReferenceThresholds thresholds, CalibratedThresholds calibrated,
                             int landscapeSize,
                             double landscapeExtent, int landscapePrompts, int forwardBatch, boolean hashFiles,
                             int evidenceLandscapeSize, boolean trimSequences, boolean earlyStop) {

    public DetectorConfig {
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

    /** The paper's defaults. */
    public static DetectorConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.mode = mode;
        b.seed = seed;
        b.shadowSize = shadowSize;
        b.trainFraction = trainFraction;
        b.tokens = tokens;
        b.learningRate = learningRate;
        b.weightDecay = weightDecay;
        b.batchSize = batchSize;
        b.epochs = epochs;
        b.beta = beta;
        b.gamma = gamma;
        b.checkEvery = checkEvery;
        b.thresholds = thresholds;
        b.calibrated = calibrated;
        b.landscapeSize = landscapeSize;
        b.landscapeExtent = landscapeExtent;
        b.landscapePrompts = landscapePrompts;
        b.forwardBatch = forwardBatch;
        b.hashFiles = hashFiles;
        b.evidenceLandscapeSize = evidenceLandscapeSize;
        b.trimSequences = trimSequences;
        b.earlyStop = earlyStop;
        return b;
    }

    /** Builder of {@link DetectorConfig}; every {@code opt*} method is optional. */
    public static final class Builder {
        private DecisionMode mode = DecisionMode.CALIBRATED;
        private long seed = 0;
        private int shadowSize = 4000;
        private double trainFraction = 0.8;
        private int tokens = 1;
        private double learningRate = 8e-2;
        private double weightDecay = 1e-5;
        private int batchSize = 10;
        private int epochs = 2;
        private double beta = 0.1;
        private double gamma = 0.1;
        private int checkEvery = 2;
        private ReferenceThresholds thresholds = ReferenceThresholds.reference();
        private CalibratedThresholds calibrated = CalibratedThresholds.defaults();
        private int landscapeSize = 50;
        private double landscapeExtent = 10.0;
        private int landscapePrompts = 1;
        private int forwardBatch = 16;
        private boolean hashFiles = true;
        private int evidenceLandscapeSize = 21;
        private boolean trimSequences = false;
        private boolean earlyStop = true;

        private Builder() {
        }

        public Builder optMode(DecisionMode v) {
            mode = v;
            return this;
        }

        public Builder optSeed(long v) {
            seed = v;
            return this;
        }

        public Builder optShadowSize(int v) {
            shadowSize = v;
            return this;
        }

        public Builder optTrainFraction(double v) {
            trainFraction = v;
            return this;
        }

        public Builder optTokens(int v) {
            tokens = v;
            return this;
        }

        public Builder optLearningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder optWeightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder optBatchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder optEpochs(int v) {
            epochs = v;
            return this;
        }

        public Builder optBeta(double v) {
            beta = v;
            return this;
        }

        public Builder optGamma(double v) {
            gamma = v;
            return this;
        }

        public Builder optCheckEvery(int v) {
            checkEvery = v;
            return this;
        }

        public Builder optThresholds(ReferenceThresholds v) {
            thresholds = v;
            return this;
        }

        public Builder optCalibrated(CalibratedThresholds v) {
            calibrated = v;
            return this;
        }

        public Builder optLandscapeSize(int v) {
            landscapeSize = v;
            return this;
        }

        public Builder optLandscapeExtent(double v) {
            landscapeExtent = v;
            return this;
        }

        public Builder optLandscapePrompts(int v) {
            landscapePrompts = v;
            return this;
        }

        public Builder optForwardBatch(int v) {
            forwardBatch = v;
            return this;
        }

        public Builder optHashFiles(boolean v) {
            hashFiles = v;
            return this;
        }

        public Builder optEvidenceLandscapeSize(int v) {
            evidenceLandscapeSize = v;
            return this;
        }

        /** Calibrated mode: cut sequences to the longest shadow prompt when exact for the encoder (default off). */
        public Builder optTrimSequences(boolean v) {
            trimSequences = v;
            return this;
        }

        /** Calibrated mode: stop the inversion once the verdict is settled (default on). */
        public Builder optEarlyStop(boolean v) {
            earlyStop = v;
            return this;
        }

        /** @throws IllegalArgumentException naming the first invalid value */
        public DetectorConfig build() {
            return new DetectorConfig(mode, seed, shadowSize, trainFraction, tokens, learningRate, weightDecay,
                    batchSize, epochs, beta, gamma, checkEvery, thresholds, calibrated, landscapeSize, landscapeExtent,
                    landscapePrompts, forwardBatch, hashFiles, evidenceLandscapeSize, trimSequences, earlyStop);
        }
    }
}

package org.amdet;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Objects;

/**
 * Immutable, validated configuration of a {@link BackdoorDetector}. Every default is the paper's / reference
 * implementation's (arXiv 2512.00343): k = 1 inserted vector after BOS, Adam lr 8e-2, weight decay 1e-5, batch 10,
 * 2 epochs, β = γ = 0.1, 4,000 shadow prompts split 80/20, a check every 2nd batch, the reference thresholds, a 50×50
 * landscape over [−10, 10]² on one prompt. The decision mode defaults to amdet's {@link DecisionMode#CALIBRATED}; use
 * {@link DecisionMode#REFERENCE} to reproduce the paper's loop. Build with {@link #builder()}; read the settings one
 * by one or grouped by concern ({@link #split()}, {@link #inversion()}, {@link #decision()}, {@link #landscape()},
 * {@link #execution()}). Serialised flat, one JSON property per setting, in the order of the builder.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonPropertyOrder({"mode", "seed", "shadowSize", "trainFraction", "tokens", "learningRate", "weightDecay", "batchSize",
        "epochs", "beta", "gamma", "checkEvery", "thresholds", "calibrated", "landscapeSize", "landscapeExtent",
        "landscapePrompts", "forwardBatch", "hashFiles", "evidenceLandscapeSize", "trimSequences", "earlyStop"})
public final class DetectorConfig {
    private final DecisionMode mode;
    private final long seed;
    private final int shadowSize;
    private final double trainFraction;
    private final int tokens;
    private final double learningRate;
    private final double weightDecay;
    private final int batchSize;
    private final int epochs;
    private final double beta;
    private final double gamma;
    private final int checkEvery;
    private final ReferenceThresholds thresholds;
    private final CalibratedThresholds calibrated;
    private final int landscapeSize;
    private final double landscapeExtent;
    private final int landscapePrompts;
    private final int forwardBatch;
    private final boolean hashFiles;
    private final int evidenceLandscapeSize;
    private final boolean trimSequences;
    private final boolean earlyStop;

    /**
     * The shadow set and its split.
     *
     * @param shadowSize    prompts used from the shadow set (the first ones)
     * @param trainFraction share of them used for the inversion; the rest is the test split
     */
    public record Split(int shadowSize, double trainFraction) {
    }

    /**
     * The pseudo-trigger inversion and the AMDET objective.
     *
     * @param tokens       k, number of inserted pseudo-trigger vectors
     * @param learningRate Adam learning rate
     * @param weightDecay  Adam weight decay
     * @param batchSize    prompts per optimisation step
     * @param epochs       passes over the train split
     * @param beta         weight of the deviation term
     * @param gamma        weight of the anchor term
     */
    public record Inversion(int tokens, double learningRate, double weightDecay, int batchSize, int epochs,
                            double beta, double gamma) {
    }

    /**
     * The decision rule.
     *
     * @param mode          decision mode
     * @param checkEvery    reference rule: batches between checks
     * @param thresholds    reference rule's thresholds
     * @param calibrated    calibrated rule's knobs
     * @param earlyStop     calibrated rule: stop the inversion once the verdict is settled
     * @param trimSequences calibrated rule: cut sequences to the longest shadow prompt when exact
     */
    public record Decision(DecisionMode mode, int checkEvery, ReferenceThresholds thresholds,
                           CalibratedThresholds calibrated, boolean earlyStop, boolean trimSequences) {
    }

    /**
     * The loss landscape and Hessian filter.
     *
     * @param size         grid points per axis of the reference rule's landscape
     * @param extent       half-width of the grid
     * @param prompts      test prompts the landscape objective averages over
     * @param evidenceSize grid points per axis of the evidence landscape at the final embedding (0 = off)
     */
    public record LandscapeSettings(int size, double extent, int prompts, int evidenceSize) {
    }

    /**
     * How the scan runs and what it records.
     *
     * @param forwardBatch prompts (or landscape points) per batched forward pass
     * @param hashFiles    whether the report records SHA-256 hashes of the model files
     */
    public record Execution(int forwardBatch, boolean hashFiles) {
    }

    private DetectorConfig(Builder b) {
        this.mode = b.mode;
        this.seed = b.seed;
        this.shadowSize = b.shadowSize;
        this.trainFraction = b.trainFraction;
        this.tokens = b.tokens;
        this.learningRate = b.learningRate;
        this.weightDecay = b.weightDecay;
        this.batchSize = b.batchSize;
        this.epochs = b.epochs;
        this.beta = b.beta;
        this.gamma = b.gamma;
        this.checkEvery = b.checkEvery;
        this.thresholds = b.thresholds;
        this.calibrated = b.calibrated;
        this.landscapeSize = b.landscapeSize;
        this.landscapeExtent = b.landscapeExtent;
        this.landscapePrompts = b.landscapePrompts;
        this.forwardBatch = b.forwardBatch;
        this.hashFiles = b.hashFiles;
        this.evidenceLandscapeSize = b.evidenceLandscapeSize;
        this.trimSequences = b.trimSequences;
        this.earlyStop = b.earlyStop;
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
    }

    @JsonCreator
    private static DetectorConfig fromJson(@JsonProperty("mode") DecisionMode mode,
                                          @JsonProperty("seed") long seed,
                                          @JsonProperty("shadowSize") int shadowSize,
                                          @JsonProperty("trainFraction") double trainFraction,
                                          @JsonProperty("tokens") int tokens,
                                          @JsonProperty("learningRate") double learningRate,
                                          @JsonProperty("weightDecay") double weightDecay,
                                          @JsonProperty("batchSize") int batchSize,
                                          @JsonProperty("epochs") int epochs,
                                          @JsonProperty("beta") double beta,
                                          @JsonProperty("gamma") double gamma,
                                          @JsonProperty("checkEvery") int checkEvery,
                                          @JsonProperty("thresholds") ReferenceThresholds thresholds,
                                          @JsonProperty("calibrated") CalibratedThresholds calibrated,
                                          @JsonProperty("landscapeSize") int landscapeSize,
                                          @JsonProperty("landscapeExtent") double landscapeExtent,
                                          @JsonProperty("landscapePrompts") int landscapePrompts,
                                          @JsonProperty("forwardBatch") int forwardBatch,
                                          @JsonProperty("hashFiles") boolean hashFiles,
                                          @JsonProperty("evidenceLandscapeSize") int evidenceLandscapeSize,
                                          @JsonProperty("trimSequences") boolean trimSequences,
                                          @JsonProperty("earlyStop") boolean earlyStop) {
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
        return b.build();
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
    }

    /**
     * The paper's defaults.
     *
     * @return the default configuration
     */
    public static DetectorConfig defaults() {
        return builder().build();
    }

    /**
     * A builder with the paper's defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from this configuration.
     *
     * @return a new builder holding these settings
     */
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

    /**
     * Decision mode.
     *
     * @return the setting
     */
    public DecisionMode mode() {
        return mode;
    }

    /**
     * Seed of the split, the batch order, the initial embedding and the landscape direction.
     *
     * @return the setting
     */
    public long seed() {
        return seed;
    }

    /**
     * Prompts used from the shadow set (the first ones)
     *
     * @return the setting
     */
    public int shadowSize() {
        return shadowSize;
    }

    /**
     * Share of the shadow prompts used for optimisation; the rest is the test split.
     *
     * @return the setting
     */
    public double trainFraction() {
        return trainFraction;
    }

    /**
     * K, number of inserted pseudo-trigger vectors.
     *
     * @return the setting
     */
    public int tokens() {
        return tokens;
    }

    /**
     * Adam learning rate.
     *
     * @return the setting
     */
    public double learningRate() {
        return learningRate;
    }

    /**
     * Adam weight decay.
     *
     * @return the setting
     */
    public double weightDecay() {
        return weightDecay;
    }

    /**
     * Prompts per optimisation step.
     *
     * @return the setting
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Passes over the train split.
     *
     * @return the setting
     */
    public int epochs() {
        return epochs;
    }

    /**
     * Weight of the deviation term.
     *
     * @return the setting
     */
    public double beta() {
        return beta;
    }

    /**
     * Weight of the anchor term.
     *
     * @return the setting
     */
    public double gamma() {
        return gamma;
    }

    /**
     * The decision is checked every this many batches.
     *
     * @return the setting
     */
    public int checkEvery() {
        return checkEvery;
    }

    /**
     * Reference thresholds.
     *
     * @return the setting
     */
    public ReferenceThresholds thresholds() {
        return thresholds;
    }

    /**
     * Knobs of the calibrated rule.
     *
     * @return the setting
     */
    public CalibratedThresholds calibrated() {
        return calibrated;
    }

    /**
     * Landscape grid points per axis.
     *
     * @return the setting
     */
    public int landscapeSize() {
        return landscapeSize;
    }

    /**
     * Landscape half-width.
     *
     * @return the setting
     */
    public double landscapeExtent() {
        return landscapeExtent;
    }

    /**
     * Test prompts the landscape objective averages over (reference: 1)
     *
     * @return the setting
     */
    public int landscapePrompts() {
        return landscapePrompts;
    }

    /**
     * Prompts (or landscape points) per batched forward pass of judges and landscape.
     *
     * @return the setting
     */
    public int forwardBatch() {
        return forwardBatch;
    }

    /**
     * Whether the report records the SHA-256 hashes of the model files (taken by the loader from the bytes it loaded,
     * see {@link EncoderInfo#fileSha256()}).
     *
     * @return the setting
     */
    public boolean hashFiles() {
        return hashFiles;
    }

    /**
     * Grid points per axis of the landscape computed at the final embedding when no check computed one (evidence and
     * pictures only; the reference rule never uses it); 0 = off.
     *
     * @return the setting
     */
    public int evidenceLandscapeSize() {
        return evidenceLandscapeSize;
    }

    /**
     * Calibrated mode, off by default: cut every sequence of the scan to the shortest length that leaves the longest
     * shadow prompt (plus the inserted vectors) whole, when the encoder allows it (causal attention, pooling at a token
     * position); the losses then average over those positions instead of all L. Typical prompts use a quarter of CLIP's
     * 77 positions, so every pass gets 3–4× cheaper, but the padding positions' outputs, which injected backdoors are
     * trained on too, leave the objective: on the development zoo this weakened the inversion enough to miss the
     * homoglyph backdoor. Reference mode always uses all L positions.
     *
     * @return the setting
     */
    public boolean trimSequences() {
        return trimSequences;
    }

    /**
     * Calibrated mode: stop the inversion once the verdict is settled instead of running every epoch. The rule is
     * applied every quarter epoch to a screening quarter of the test split (all of it below 40 prompts); when it fires
     * there it is applied to the whole test split a sixteenth of an epoch later, and when it fires again the inversion
     * ends with that BACKDOORED verdict. A CLEAN verdict always comes from the full run. Off: the inversion always runs
     * {@code epochs} epochs.
     *
     * @return the setting
     */
    public boolean earlyStop() {
        return earlyStop;
    }

    /**
     * The shadow-set settings.
     *
     * @return shadow size and train fraction
     */
    public Split split() {
        return new Split(shadowSize, trainFraction);
    }

    /**
     * The inversion settings.
     *
     * @return k, the optimiser's and the objective's settings
     */
    public Inversion inversion() {
        return new Inversion(tokens, learningRate, weightDecay, batchSize, epochs, beta, gamma);
    }

    /**
     * The decision settings.
     *
     * @return mode and the rules' thresholds
     */
    public Decision decision() {
        return new Decision(mode, checkEvery, thresholds, calibrated, earlyStop, trimSequences);
    }

    /**
     * The landscape settings.
     *
     * @return grid sizes, extent and prompts
     */
    public LandscapeSettings landscape() {
        return new LandscapeSettings(landscapeSize, landscapeExtent, landscapePrompts, evidenceLandscapeSize);
    }

    /**
     * The execution settings.
     *
     * @return forward batch and file hashing
     */
    public Execution execution() {
        return new Execution(forwardBatch, hashFiles);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DetectorConfig c && seed == c.seed && split().equals(c.split())
                && inversion().equals(c.inversion()) && decision().equals(c.decision())
                && landscape().equals(c.landscape()) && execution().equals(c.execution());
    }

    @Override
    public int hashCode() {
        return Objects.hash(seed, split(), inversion(), decision(), landscape(), execution());
    }

    @Override
    public String toString() {
        return "DetectorConfig[seed=" + seed + ", " + split() + ", " + inversion() + ", " + decision() + ", "
                + landscape() + ", " + execution() + "]";
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

        /**
         * Sets: decision mode
         *
         * @param v the value
         * @return this builder
         */
        public Builder optMode(DecisionMode v) {
            mode = v;
            return this;
        }

        /**
         * Sets: seed of the split, the batch order, the initial embedding and the landscape direction
         *
         * @param v the value
         * @return this builder
         */
        public Builder optSeed(long v) {
            seed = v;
            return this;
        }

        /**
         * Sets: prompts used from the shadow set (the first ones)
         *
         * @param v the value
         * @return this builder
         */
        public Builder optShadowSize(int v) {
            shadowSize = v;
            return this;
        }

        /**
         * Sets: share of the shadow prompts used for optimisation; the rest is the test split
         *
         * @param v the value
         * @return this builder
         */
        public Builder optTrainFraction(double v) {
            trainFraction = v;
            return this;
        }

        /**
         * Sets: k, number of inserted pseudo-trigger vectors
         *
         * @param v the value
         * @return this builder
         */
        public Builder optTokens(int v) {
            tokens = v;
            return this;
        }

        /**
         * Sets: Adam learning rate
         *
         * @param v the value
         * @return this builder
         */
        public Builder optLearningRate(double v) {
            learningRate = v;
            return this;
        }

        /**
         * Sets: Adam weight decay
         *
         * @param v the value
         * @return this builder
         */
        public Builder optWeightDecay(double v) {
            weightDecay = v;
            return this;
        }

        /**
         * Sets: prompts per optimisation step
         *
         * @param v the value
         * @return this builder
         */
        public Builder optBatchSize(int v) {
            batchSize = v;
            return this;
        }

        /**
         * Sets: passes over the train split
         *
         * @param v the value
         * @return this builder
         */
        public Builder optEpochs(int v) {
            epochs = v;
            return this;
        }

        /**
         * Sets: weight of the deviation term
         *
         * @param v the value
         * @return this builder
         */
        public Builder optBeta(double v) {
            beta = v;
            return this;
        }

        /**
         * Sets: weight of the anchor term
         *
         * @param v the value
         * @return this builder
         */
        public Builder optGamma(double v) {
            gamma = v;
            return this;
        }

        /**
         * Sets: the decision is checked every this many batches
         *
         * @param v the value
         * @return this builder
         */
        public Builder optCheckEvery(int v) {
            checkEvery = v;
            return this;
        }

        /**
         * Sets: reference thresholds
         *
         * @param v the value
         * @return this builder
         */
        public Builder optThresholds(ReferenceThresholds v) {
            thresholds = v;
            return this;
        }

        /**
         * Sets: knobs of the calibrated rule
         *
         * @param v the value
         * @return this builder
         */
        public Builder optCalibrated(CalibratedThresholds v) {
            calibrated = v;
            return this;
        }

        /**
         * Sets: landscape grid points per axis
         *
         * @param v the value
         * @return this builder
         */
        public Builder optLandscapeSize(int v) {
            landscapeSize = v;
            return this;
        }

        /**
         * Sets: landscape half-width
         *
         * @param v the value
         * @return this builder
         */
        public Builder optLandscapeExtent(double v) {
            landscapeExtent = v;
            return this;
        }

        /**
         * Sets: test prompts the landscape objective averages over (reference: 1)
         *
         * @param v the value
         * @return this builder
         */
        public Builder optLandscapePrompts(int v) {
            landscapePrompts = v;
            return this;
        }

        /**
         * Sets: prompts (or landscape points) per batched forward pass of judges and landscape
         *
         * @param v the value
         * @return this builder
         */
        public Builder optForwardBatch(int v) {
            forwardBatch = v;
            return this;
        }

        /**
         * Sets: whether the report records the SHA-256 hashes of the model files (taken by the loader from the bytes
         * it loaded)
         *
         * @param v the value
         * @return this builder
         */
        public Builder optHashFiles(boolean v) {
            hashFiles = v;
            return this;
        }

        /**
         * Sets: grid points per axis of the landscape computed at the final embedding when no check computed one
         * (evidence and pictures only; the reference rule never uses it); 0 = off
         *
         * @param v the value
         * @return this builder
         */
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

        /**
         * The configuration.
         *
         * @return the validated configuration
         * @throws IllegalArgumentException naming the first invalid value
         */
        public DetectorConfig build() {
            return new DetectorConfig(this);
        }
    }
}

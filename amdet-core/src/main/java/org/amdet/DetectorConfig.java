package org.amdet;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.util.Objects;

/**
 * Immutable, validated configuration of a {@link BackdoorDetector}. Every default is the paper's / reference
 * implementation's (arXiv 2512.00343): k = 1 inserted vector after BOS, Adam lr 8e-2, weight decay 1e-5, batch 10,
 * 2 epochs, β = γ = 0.1, shadow prompts split 80/20, a check every 2nd batch, the reference thresholds, a 50×50
 * landscape over [−10, 10]² on one prompt; 1,000 shadow prompts (the paper's 4,000 cost four times as much). The
 * decision mode defaults to amdet's {@link DecisionMode#ROBUST} (two starts, the paired sign test); use
 * {@link DecisionMode#REFERENCE} to reproduce the paper's loop. Build with {@link #builder()}; read the settings one
 * by one or grouped by concern ({@link #split()}, {@link #inversion()}, {@link #decision()}, {@link #landscape()},
 * {@link #execution()}). Serialised flat, one JSON property per setting, in the order of the builder.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonDeserialize(builder = DetectorConfigBuilder.class)
@JsonPropertyOrder({"mode", "seed", "shadowSize", "trainFraction", "tokens", "learningRate", "weightDecay", "batchSize",
        "epochs", "beta", "gamma", "checkEvery", "thresholds", "calibrated", "landscapeSize", "landscapeExtent",
        "landscapePrompts", "forwardBatch", "hashFiles", "evidenceLandscapeSize", "trimSequences", "earlyStop", "starts",
        "mixedTokens", "alpha", "extendEpochs", "tokenProbe"})
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
    private final int starts;
    private final boolean mixedTokens;
    private final double alpha;
    private final int extendEpochs;
    private final boolean tokenProbe;

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
     * @param starts       robust mode: independent inversion starts run together
     * @param mixedTokens  robust mode: start r inserts {@code tokens + r mod 2} vectors instead of {@code tokens}
     * @param tokenProbe   robust mode: a token start, found by a vocabulary search, joins the inversion starts
     */
    public record Inversion(int tokens, double learningRate, double weightDecay, int batchSize, int epochs,
                            double beta, double gamma, int starts, boolean mixedTokens, boolean tokenProbe) {
    }

    /**
     * The decision rule.
     *
     * @param mode          decision mode
     * @param checkEvery    reference rule: batches between checks
     * @param thresholds    reference rule's thresholds
     * @param calibrated    calibrated rule's knobs
     * @param earlyStop     calibrated rule: stop the inversion once the verdict is settled
     * @param trimSequences calibrated and robust rules: cut sequences to the longest shadow prompt when exact
     * @param alpha         robust rule: family-wise false-positive level of a whole scan
     * @param extendEpochs  robust rule: epochs added once when the planned ones end on suggestive evidence
     */
    public record Decision(DecisionMode mode, int checkEvery, ReferenceThresholds thresholds,
                           CalibratedThresholds calibrated, boolean earlyStop, boolean trimSequences, double alpha,
                           int extendEpochs) {
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

    /** Copies the settings of {@code b}, which {@link DetectorConfigBuilder#build()} has validated. */
    DetectorConfig(DetectorConfigBuilder b) {
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
        this.starts = b.starts;
        this.mixedTokens = b.mixedTokens;
        this.alpha = b.alpha;
        this.extendEpochs = b.extendEpochs;
        this.tokenProbe = b.tokenProbe;
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
    public static DetectorConfigBuilder builder() {
        return new DetectorConfigBuilder();
    }

    /**
     * A builder starting from this configuration.
     *
     * @return a new builder holding these settings
     */
    public DetectorConfigBuilder toBuilder() {
        DetectorConfigBuilder b = new DetectorConfigBuilder();
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
        b.starts = starts;
        b.mixedTokens = mixedTokens;
        b.alpha = alpha;
        b.extendEpochs = extendEpochs;
        b.tokenProbe = tokenProbe;
        return b;
    }

    /** {@return decision mode} */
    public DecisionMode mode() {
        return mode;
    }

    /** {@return seed of the split, the batch order, the initial embedding and the landscape direction} */
    public long seed() {
        return seed;
    }

    /** {@return prompts used from the shadow set (the first ones)} */
    public int shadowSize() {
        return shadowSize;
    }

    /** {@return share of the shadow prompts used for optimisation; the rest is the test split} */
    public double trainFraction() {
        return trainFraction;
    }

    /** {@return k, number of inserted pseudo-trigger vectors} */
    public int tokens() {
        return tokens;
    }

    /** {@return Adam learning rate} */
    public double learningRate() {
        return learningRate;
    }

    /** {@return Adam weight decay} */
    public double weightDecay() {
        return weightDecay;
    }

    /** {@return prompts per optimisation step} */
    public int batchSize() {
        return batchSize;
    }

    /** {@return passes over the train split} */
    public int epochs() {
        return epochs;
    }

    /** {@return weight of the deviation term} */
    public double beta() {
        return beta;
    }

    /** {@return weight of the anchor term} */
    public double gamma() {
        return gamma;
    }

    /** {@return the decision is checked every this many batches} */
    public int checkEvery() {
        return checkEvery;
    }

    /** {@return reference thresholds} */
    public ReferenceThresholds thresholds() {
        return thresholds;
    }

    /** {@return knobs of the calibrated rule} */
    public CalibratedThresholds calibrated() {
        return calibrated;
    }

    /** {@return landscape grid points per axis} */
    public int landscapeSize() {
        return landscapeSize;
    }

    /** {@return landscape half-width} */
    public double landscapeExtent() {
        return landscapeExtent;
    }

    /** {@return test prompts the landscape objective averages over (reference: 1)} */
    public int landscapePrompts() {
        return landscapePrompts;
    }

    /** {@return prompts (or landscape points) per batched forward pass of judges and landscape} */
    public int forwardBatch() {
        return forwardBatch;
    }

    /**
     * {@return whether the report records the SHA-256 hashes of the model files (taken by the loader from the bytes
     * it loaded, see {@link EncoderInfo#fileSha256()})}
     */
    public boolean hashFiles() {
        return hashFiles;
    }

    /**
     * {@return grid points per axis of the landscape computed at the final embedding when no check computed one
     * (evidence and pictures only; the reference rule never uses it); 0 = off}
     */
    public int evidenceLandscapeSize() {
        return evidenceLandscapeSize;
    }

    /**
     * {@return whether the calibrated mode (on by default) runs the encoders on cut sequences} When the encoder
     * allows it (causal attention, pooling at a token position), every pass runs only the positions up to the end of
     * the longest shadow prompt plus the inserted vectors and 4 padding positions; those outputs are exact (causal
     * attention: later positions do not change earlier outputs). The cut positions, all padding, are not dropped from
     * the losses: each stands for the last kept one (a padding position of every prompt), so every mean over
     * positions still runs over all L, with the padding weight the backdoors are trained on (dropping them instead
     * missed the homoglyph backdoor of the development zoo). Typical prompts use a quarter to a third of CLIP's 77
     * positions, so every pass gets 2.5–3× cheaper; the statistics move slightly (the stand-in padding outputs are
     * not the exact ones; docs and CHANGELOG give the zoo's numbers). Reference mode always uses all L positions.
     */
    public boolean trimSequences() {
        return trimSequences;
    }

    /**
     * {@return whether the calibrated mode stops the inversion once the verdict is settled} Otherwise every epoch runs.
     * The rule is applied every quarter epoch to a screening quarter of the test split (all of it below 40 prompts);
     * when it fires there it is applied to the whole test split a sixteenth of an epoch later, and when it fires again
     * the inversion ends with that BACKDOORED verdict. A CLEAN verdict always comes from the full run. Off: the
     * inversion always runs {@code epochs} epochs.
     */
    public boolean earlyStop() {
        return earlyStop;
    }

    /**
     * {@return robust mode: independent inversion starts, run together in shared forward passes} Each start inserts
     * {@link #tokens()} vectors from its own initial draw (with {@link #mixedTokens()}, start r inserts
     * {@code tokens() + r mod 2}). One inversion can land in a benign basin; the family-wise level {@link #alpha()}
     * covers every start.
     */
    public int starts() {
        return starts;
    }

    /**
     * {@return robust mode: whether every second start inserts one vector more} Off by default: a start with two
     * vectors has the adversarial capacity to push a strongly fine-tuned benign encoder 7.5× beyond its clean
     * disagreement with its anchor (docs/decision-rule.md, "k = 2 starts"), the size of some real backdoors' effect.
     */
    public boolean mixedTokens() {
        return mixedTokens;
    }

    /**
     * {@return robust mode: the family-wise false-positive level of one scan} Every (start, channel, look) test is held
     * to alpha over their number (Bonferroni); see {@code docs/decision-rule.md}.
     */
    public double alpha() {
        return alpha;
    }

    /**
     * {@return robust mode: epochs added, once, when the planned epochs end on suggestive but insufficient evidence}
     * That is an INCONCLUSIVE whose only reasons are borderline evidence (a median per-prompt ratio at the margin
     * without significance) or starts that disagree. The inversion then goes on from where it stood and the
     * evaluation prompts are looked at once more; that look is counted in the family like every other, so the level
     * stays {@link #alpha()}. Scans that end CLEAN or BACKDOORED on time never extend. 0 (the default) turns it off:
     * on two borderline GELU-zoo backdoors, 6 epochs instead of 2 left the median ratio where it was (5.3× and 4.9×
     * against 5.7× and 5.1×; docs/decision-rule.md), so the extra time bought nothing there.
     */
    public int extendEpochs() {
        return extendEpochs;
    }

    /**
     * {@return robust mode: whether a token start joins the inversion starts} Before the inversion, the suspect's
     * vocabulary is searched, on a few train prompts, for the token that makes the suspect leave its anchor the most
     * when inserted where the pseudo-trigger goes; that token's embedding is tested as one more start (fixed, not
     * optimised), counted in the family-wise level like every start. It finds single-token triggers that the
     * assimilation objective misses on encoders whose clean outputs are already assimilated (docs/decision-rule.md,
     * "token start").
     */
    public boolean tokenProbe() {
        return tokenProbe;
    }

    /** {@return the most vectors any start inserts: tokens, plus one for a second start with mixed tokens} */
    public int maxTokens() {
        return mode == DecisionMode.ROBUST && mixedTokens && starts > 1 ? tokens + 1 : tokens;
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
        return new Inversion(tokens, learningRate, weightDecay, batchSize, epochs, beta, gamma, starts, mixedTokens,
                tokenProbe);
    }

    /**
     * The decision settings.
     *
     * @return mode and the rules' thresholds
     */
    public Decision decision() {
        return new Decision(mode, checkEvery, thresholds, calibrated, earlyStop, trimSequences, alpha, extendEpochs);
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
}

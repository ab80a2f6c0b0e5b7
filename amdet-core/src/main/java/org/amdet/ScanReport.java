package org.amdet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Map;

/**
 * The immutable result of a scan: the verdict, the evidence behind it, the inverted pseudo-trigger and provenance.
 * Serialises to JSON with a versioned schema ({@link #SCHEMA}); the README documents every field.
 *
 * @param schema     schema identifier, {@value #SCHEMA}
 * @param verdict    BACKDOORED, CLEAN or INCONCLUSIVE
 * @param decision   one sentence: which rule decided, on which numbers
 * @param mode       decision mode
 * @param evidence   loss trajectory, checks, statistics on the test split, landscape
 * @param embedding  the inverted pseudo-trigger and the target feature it produces
 * @param explanation what the reversed target looks like: nearest prompts and vocabulary tokens
 * @param seconds    wall time per phase
 * @param provenance what was scanned, how, where
 * @param warnings   conditions a user should know about (empty when none)
 */
@JsonPropertyOrder({"schema", "verdict", "decision", "mode", "evidence", "embedding", "explanation", "seconds",
        "provenance", "warnings"})
public record ScanReport(String schema, Verdict verdict, String decision, DecisionMode mode, Evidence evidence,
                         Embedding embedding, Explanation explanation, Map<String, Double> seconds,
                         Provenance provenance, List<String> warnings) {
    /** Current schema identifier. */
    public static final String SCHEMA = "amdet-scan-report/2";

    /** Copies {@code seconds} and {@code warnings} into unmodifiable collections. */
    public ScanReport {
        seconds = Map.copyOf(seconds);
        warnings = List.copyOf(warnings);
    }

    /**
     * @param losses           objective after every optimisation step
     * @param steps            optimisation steps run
     * @param plannedSteps     steps of the full run without stop rules
     * @param finalRunningMean running mean of the objective at the end
     * @param stoppedEarly     whether a stop rule ended the optimisation
     * @param checks           every decision check, in order
     * @param test             statistics of the final embedding on the test split
     * @param calibration      the calibrated rule's statistics (null in reference mode)
     * @param landscape        the landscape of the last check that computed one, else the evidence landscape at the
     *                         final embedding, or null when neither was computed (see {@link Landscape#context()})
     * @param robust           the robust rule's tests (robust mode; null otherwise)
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Evidence(double[] losses, int steps, int plannedSteps, double finalRunningMean,
                           boolean stoppedEarly, List<Check> checks, TestStats test, Calibration calibration,
                           Landscape landscape, Robust robust) {
        /** Copies {@code losses} and {@code checks}. */
        public Evidence {
            losses = losses.clone();
            checks = List.copyOf(checks);
        }
    }

    /**
     * Disagreement (1 − cosine) between suspect and anchor on the test split, under the inverted trigger and on the
     * clean prompts, for one channel.
     *
     * @param channel          {@code token} (mean over positions of the token features) or {@code pooled}
     * @param triggeredMedian  median disagreement with the trigger inserted
     * @param cleanMedian      median disagreement on the clean prompts
     * @param cleanQuantile    the clean disagreement at the configured quantile
     * @param ratio            triggeredMedian / max(cleanMedian, 1e-6)
     * @param exceedShare      share of triggered prompts whose disagreement exceeds cleanQuantile
     * @param fires            whether this channel meets both thresholds
     */
    public record Channel(String channel, double triggeredMedian, double cleanMedian, double cleanQuantile,
                          double ratio, double exceedShare, boolean fires) {
    }

    /**
     * The calibrated rule's evidence.
     *
     * @param token             token-feature channel
     * @param pooled            pooled-output channel
     * @param pooledConsistency mean pairwise cosine of the suspect's pooled outputs of different triggered prompts
     * @param anchorConsistency the same for the anchor on the same triggered inputs
     * @param thresholds        the thresholds applied
     */
    public record Calibration(Channel token, Channel pooled, double pooledConsistency, double anchorConsistency,
                              CalibratedThresholds thresholds) {
    }

    /**
     * The robust rule's decision (see {@code docs/decision-rule.md}): a paired sign test with a margin per start and
     * channel, every test held to {@code alpha / tests}.
     *
     * @param test       the test's name
     * @param decidedBy  "start / channel" of the test that decided (BACKDOORED) or came closest; null when none was
     *                   testable
     * @param pValue     that test's p-value (null when none)
     * @param alpha      family-wise false-positive level of the scan
     * @param level      level each test was held to
     * @param tests      tests in the family: starts × channels × planned looks
     * @param looks      planned looks at the evaluation prompts (early-stop confirmations and the final look)
     * @param correction how the level was split
     * @param starts     every start's tests at the look that decided
     * @param reasons    why the verdict is INCONCLUSIVE (a BACKDOORED may list reasons that only block CLEAN)
     * @param history    the early stop's screenings and confirmations, in order
     */
    public record Robust(String test, String decidedBy, Double pValue, double alpha, double level, int tests,
                         int looks, String correction, List<Start> starts, List<Reason> reasons, List<Look> history) {
        /** Copies the lists. */
        public Robust {
            starts = List.copyOf(starts);
            reasons = List.copyOf(reasons);
            history = List.copyOf(history);
        }
    }

    /**
     * One inversion start of the robust mode.
     *
     * @param label      how the report names it
     * @param tokens     inserted vectors k
     * @param seed       seed of its initial draw (the scan's seed; starts draw one after the other)
     * @param firesAlone whether one of its tests rejects at the level it would have had as the only start
     * @param channels   its channel tests
     */
    public record Start(String label, int tokens, long seed, boolean firesAlone, List<ChannelTest> channels) {
        /** Copies {@code channels}. */
        public Start {
            channels = List.copyOf(channels);
        }
    }

    /**
     * One channel's paired sign test with a margin.
     *
     * @param channel         {@code token} or {@code pooled}
     * @param prompts         evaluation prompts (pairs)
     * @param positives       pairs whose triggered disagreement exceeds margin × their credited clean one
     * @param pValue          one-sided exact p-value (null when untestable)
     * @param level           level it was held to
     * @param rejects         whether it rejects at that level
     * @param holm            whether Holm's step-down procedure rejects it at the family-wise level
     * @param medianRatio     median per-prompt ratio (the effect estimate; null when untestable or infinite, i.e. most
     *                        clean values credited)
     * @param ratioLowerBound lower confidence bound of that median at 1 − level (0 when too few prompts; null when
     *                        untestable or infinite)
     * @param groupRatio      median triggered disagreement over the credited clean median (null when not finite)
     * @param cleanMedian     median clean disagreement as measured (null when untestable)
     * @param credited        clean prompts credited to a backdoor (already at margin × the clean reference)
     * @param creditWithheld  whether the credit was withheld (above the cap)
     * @param untestable      why the channel could not be tested, or null
     * @param text            the test in one sentence
     */
    public record ChannelTest(String channel, int prompts, int positives, Double pValue, double level,
                              boolean rejects, boolean holm, Double medianRatio, Double ratioLowerBound,
                              Double groupRatio, Double cleanMedian, int credited, boolean creditWithheld,
                              String untestable, String text) {
    }

    /**
     * Why a scan could not support a verdict.
     *
     * @param reason the kind ({@code too little data}, {@code suspect identical to anchor}, …)
     * @param detail what was measured
     */
    public record Reason(String reason, String detail) {
    }

    /**
     * One look of the robust mode's early stop.
     *
     * @param step    optimisation step after which it ran
     * @param kind    {@code screen} (a quarter of the test split, not part of the decision) or {@code confirm}
     * @param prompts prompts looked at
     * @param fired   whether it fired (screen: a start's test rejected at α; confirm: the scan is BACKDOORED)
     */
    public record Look(int step, String kind, int prompts, boolean fired) {
    }

    /**
     * One decision check of the reference loop.
     *
     * @param step              optimisation step after which it ran (1-based)
     * @param epoch             epoch (0-based)
     * @param runningMean       running mean objective at that step
     * @param assimilationRatio share of the judged test prompts whose assimilation exceeds the threshold
     * @param sameTarget        same-target judge (share of the judged prompts)
     * @param differentTarget   different-target judge (share of the judged prompts)
     * @param positiveRatio     landscape positive-eigenvalue share, or null when the landscape was not computed
     * @param backdoor          whether this check found a backdoor
     * @param judged            test prompts judged: a check stops after the first chunk of prompts at which one of
     *                          the judges can no longer pass on the whole test split (same outcome, less work); all
     *                          test prompts when every judge stayed possible
     */
    public record Check(int step, int epoch, double runningMean, double assimilationRatio, double sameTarget,
                        double differentTarget, Double positiveRatio, boolean backdoor, int judged) {
    }

    /**
     * Statistics of the inverted embedding on the test split (batched; same definitions as the reference judges).
     *
     * @param prompts            test prompts
     * @param assimilationMean   mean per-prompt assimilation (mean L×L token cosine)
     * @param assimilationMin    smallest
     * @param assimilationMax    largest
     * @param assimilationRatio  share above the assimilation threshold
     * @param deviationMean      mean token cosine between clean and triggered suspect features
     * @param anchorMean         mean token cosine between anchor and suspect features on the triggered input
     * @param sameTarget         same-target judge
     * @param differentTarget    different-target judge
     */
    public record TestStats(int prompts, double assimilationMean, double assimilationMin, double assimilationMax,
                            double assimilationRatio, double deviationMean, double anchorMean, double sameTarget,
                            double differentTarget) {
    }

    /**
     * The loss landscape around the inverted embedding.
     *
     * @param context               where it was computed: {@code check at step N} (used by the decision) or
     *                              {@code final embedding} (evidence only)
     * @param size                  grid points per axis
     * @param extent                half-width of the grid
     * @param prompts               test prompts the objective averaged over
     * @param positiveRatio         share of Hessian eigenvalues above 1e-6
     * @param positiveDefiniteRatio share of interior points with a positive-definite Hessian
     * @param mean                  mean of the surface
     * @param variance              variance of the surface
     * @param curvatureD1           mean second difference along d1 (the descent direction)
     * @param curvatureD2           mean second difference along d2 (the random direction)
     * @param symmetry              correlation of the surface with its point reflection through the centre
     * @param surface               objective values, rows along d1, columns along d2
     * @param eigenvalues           both eigenvalues of every interior Hessian
     */
    public record Landscape(String context, int size, double extent, int prompts, double positiveRatio, double positiveDefiniteRatio,
                            double mean, double variance, double curvatureD1, double curvatureD2, double symmetry,
                            double[][] surface, double[] eigenvalues) {
    }

    /**
     * The inverted pseudo-trigger and the target it produces.
     *
     * @param tokens        k
     * @param hidden        D
     * @param values        the embedding, k×D row-major
     * @param norm          its Euclidean norm
     * @param targetLength  L of the target feature
     * @param targetFeature suspect last_hidden_state of the first test prompt with the embedding inserted, L×D
     * @param targetPrompt  that test prompt
     */
    public record Embedding(int tokens, int hidden, float[] values, double norm, int targetLength,
                            float[] targetFeature, String targetPrompt) {
        /** Keeps copies of {@code values} and {@code targetFeature}. */
        public Embedding {
            values = values.clone();
            targetFeature = targetFeature.clone();
        }
    }

    /**
     * What the backdoor does, without a diffusion model to render it.
     *
     * @param source  where the ranked prompts came from ({@code caption bank} or {@code shadow set})
     * @param prompts the prompts whose clean suspect outputs are closest (mean token cosine) to the reversed target
     *                feature, best first
     * @param tokens  the vocabulary tokens whose embeddings are closest (cosine) to the inverted embedding, best
     *                first
     */
    public record Explanation(String source, List<Match> prompts, List<Match> tokens) {
        /** Copies {@code prompts} and {@code tokens} into unmodifiable lists. */
        public Explanation {
            prompts = List.copyOf(prompts);
            tokens = List.copyOf(tokens);
        }
    }

    /**
     * @param text  a prompt or a token
     * @param score its cosine similarity
     */
    public record Match(String text, double score) {
    }

    /**
     * @param suspect         the scanned model
     * @param anchor          the anchor model
     * @param config          the detector configuration
     * @param shadowSource    where the shadow prompts came from
     * @param shadowPrompts   prompts used (train + test)
     * @param trainPrompts    prompts in the train split
     * @param amdetVersion    amdet version
     * @param libtorchVersion LibTorch version
     * @param device          device of the scan
     * @param precision       compute precision
     * @param threads         LibTorch intra-op threads
     * @param os              operating system
     * @param arch            CPU architecture
     * @param java            Java runtime version
     * @param startedAt       ISO-8601 start time
     */
    public record Provenance(ModelRef suspect, ModelRef anchor, DetectorConfig config, String shadowSource,
                             int shadowPrompts, int trainPrompts, String amdetVersion, String libtorchVersion,
                             String device, String precision, int threads, String os, String arch, String java,
                             String startedAt) {
    }

    /**
     * @param path    file or folder
     * @param family  encoder family
     * @param sha256  SHA-256 of each model file (empty when hashing was turned off)
     */
    public record ModelRef(String path, String family, Map<String, String> sha256) {
        /** Copies {@code sha256} into an unmodifiable map. */
        public ModelRef {
            sha256 = Map.copyOf(sha256);
        }
    }
}

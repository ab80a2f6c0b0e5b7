package org.amdet;

import java.util.Locale;

/** How a scan turns evidence into a verdict. */
public enum DecisionMode {
    /**
     * amdet's default: several inversion starts (k = 1 and k = 2, see {@link DetectorConfig#starts()}) with the
     * calibrated mode's objective, run together; then, per start and channel (token features, pooled output), a paired
     * sign test with a 5× margin on the test split: do the test prompts disagree with the anchor more than 5× their
     * own clean disagreement, with clean prompts on which the suspect already diverges credited to a backdoor? Every
     * test is held to {@link DetectorConfig#alpha()} over the number of tests (starts × channels × looks). The verdict
     * is BACKDOORED when a test rejects, INCONCLUSIVE when the scan cannot support a verdict (too little data, suspect
     * identical to the anchor, a channel that cannot be tested, starts that disagree, borderline evidence) and CLEAN
     * otherwise. See {@code docs/decision-rule.md}.
     */
    ROBUST,
    /**
     * The previous default (one start, thresholds on ratio and share): decides from evidence calibrated on the model pair in front of it. The inversion also pulls the
     * pooled (projected) outputs together (text-on-pair backdoors live there); then, on the test split, the suspect's
     * disagreement with the anchor under the inverted trigger is compared with the same pair's disagreement on the
     * clean prompts, for token features and for the pooled output. BACKDOORED when, in either channel, the median
     * triggered disagreement is at least {@link CalibratedThresholds#ratio()} times the median clean disagreement and
     * at least {@link CalibratedThresholds#exceedShare()} of the triggered prompts lie beyond the clean
     * {@link CalibratedThresholds#cleanQuantile()} quantile. See the README for why this holds across encoders.
     */
    CALIBRATED,
    /**
     * The reference implementation's loop exactly: running-mean gate, a check every second batch, the three judges
     * with their absolute thresholds, the landscape filter, the stop rules. Use it to compare with the paper.
     */
    REFERENCE;

    /** Parses {@code robust}, {@code calibrated} or {@code reference} (case-insensitive, surrounding white space ignored). */
    public static DecisionMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown mode '" + s + "': expected robust, calibrated or reference");
        }
    }

    /** The lower-case name, as {@link #parse} reads it and the CLI and report print it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

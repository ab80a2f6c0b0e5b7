package org.amdet;

import java.util.Locale;

/** How a scan turns evidence into a verdict. */
public enum DecisionMode {
    /**
     * amdet's default: decides from evidence calibrated on the model pair in front of it. The inversion also pulls the
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

    /** Parses {@code calibrated} or {@code reference} (case-insensitive, surrounding white space ignored). */
    public static DecisionMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown mode '" + s + "': expected calibrated or reference");
        }
    }

    /** The lower-case name, as {@link #parse} reads it and the CLI and report print it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package org.amdet;

import java.util.Locale;

/** How a scan turns evidence into a verdict. */
public enum DecisionMode {
    /**
     * The reference implementation's loop exactly: running-mean gate, a check every second batch, the three judges
     * with their absolute thresholds, the landscape filter, the stop rules. Use it to compare with the paper.
     */
    REFERENCE;

    public static DecisionMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown mode '" + s + "': expected reference");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package org.amdet.internal.decision;

import java.util.Locale;

/**
 * The robust rule applied to one channel of one start.
 *
 * @param channel         "token" or "pooled"
 * @param n               test prompts (pairs)
 * @param positives       S: pairs whose triggered disagreement exceeds {@code margin} times their credited clean one
 * @param reference       the credited clean reference
 * @param creditWithheld  more than the cap of clean values were credited, so the pairs were compared with the clean
 *                        values as measured
 * @param medianRatio     median per-prompt ratio t / c̃ (the effect estimate; +∞ when most clean values are credited)
 * @param ratioLowerBound lower confidence bound of the median per-prompt ratio at 1 − level (0 when n is too small for
 *                        one); it exceeds the margin exactly when the test rejects
 * @param groupRatio      median triggered disagreement over m̃ (the calibrated rule's ratio, with the credited median)
 * @param pValue          one-sided exact p-value P(Binomial(n, ½) ≥ S)
 * @param level           the level the test was held to (α over the number of tests)
 * @param margin          K
 * @param rejects         p ≤ level and the channel was testable
 * @param inconclusive    why the channel could not be tested, or null
 */
public record ChannelTest(String channel, int n, int positives, RobustRule.Reference reference,
                          boolean creditWithheld, double medianRatio,
                          double ratioLowerBound, double groupRatio, double pValue, double level, double margin,
                          boolean rejects, Inconclusive inconclusive) {
    /** True when the channel gave a p-value the aggregation may use. */
    public boolean testable() {
        return inconclusive == null;
    }

    /** One sentence for the report: the test, its value, its p-value and the level. */
    public String text() {
        if (inconclusive != null) {
            return inconclusive.text();
        }
        if (!(reference.cleanMedian() > 0)) {
            return String.format(Locale.ROOT, "%s channel, %s %.1f×: the suspect and its anchor agree exactly on most "
                    + "clean test prompts, so the reference is the floor %.0e; %d of %d test prompts disagree with the "
                    + "anchor more than %.1f× it (p %s %s %.3g); median ratio to the floor %s", channel, RobustRule.TEST,
                    margin, RobustRule.ZERO_REFERENCE_FLOOR, positives, n, margin, p(pValue),
                    pValue <= level ? "≤" : ">", level, times(medianRatio));
        }
        String credit = reference.credited() == 0 ? ""
                : creditWithheld ? String.format(Locale.ROOT, "; crediting would take %d of %d clean prompts, above "
                + "the cap, so each triggered value was compared with %.1f× the clean median as measured instead of "
                + "its own clean value (%d clean prompts at %.1f× the clean median or more)", reference.credited(), n,
                margin, reference.beyondMedianFence(), margin)
                : String.format(Locale.ROOT, "; %d clean prompt(s) already at %.1f× the clean reference count for a "
                + "backdoor", reference.credited(), margin);
        return String.format(Locale.ROOT, "%s channel, %s %.1f×: %d of %d test prompts disagree with the anchor more "
                        + "than %.1f× their clean disagreement (p %s %s %.3g)%s; median per-prompt ratio %s "
                        + "(lower %.4g%% bound %s)", channel, RobustRule.TEST, margin, positives, n, margin, p(pValue),
                pValue <= level ? "≤" : ">", level, credit, times(medianRatio), 100 * (1 - level),
                ratioLowerBound > 0 ? times(ratioLowerBound) : "– (too few prompts)");
    }

    /** "= 1.23e-45", or "< 1e-300" where the exact tail underflows a double (S near n on thousands of prompts). */
    static String p(double p) {
        return p < 1e-300 ? "< 1e-300" : String.format(Locale.ROOT, "= %.3g", p);
    }

    static String times(double r) {
        return Double.isInfinite(r) ? "∞" : String.format(Locale.ROOT, "%.1f×", r);
    }
}

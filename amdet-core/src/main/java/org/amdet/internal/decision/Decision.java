package org.amdet.internal.decision;

import java.util.List;

/**
 * The robust rule's verdict on a whole scan.
 *
 * @param outcome     BACKDOORED, CLEAN or INCONCLUSIVE
 * @param test        the test that decided ({@link RobustRule#TEST})
 * @param decidedBy   "start label / channel" of the test that decided (BACKDOORED) or came closest (otherwise); null
 *                    when no channel was testable
 * @param statistic   S of that test (pairs beyond the margin), NaN when none
 * @param pValue      its p-value, NaN when none
 * @param alpha       family-wise false-positive level
 * @param level       per-test level α / tests
 * @param tests       number of channel tests in the family
 * @param correction  how the level was split ("Bonferroni; Holm for the list of firing tests")
 * @param starts      every start's evidence
 * @param reasons     why the outcome is INCONCLUSIVE (empty otherwise; a BACKDOORED may carry reasons that block only
 *                    CLEAN, listed for the report)
 * @param text        the decision text for the report
 */
public record Decision(Outcome outcome, String test, String decidedBy, double statistic, double pValue, double alpha,
                       double level, int tests, String correction, List<StartResult> starts,
                       List<Inconclusive> reasons, String text) {
    /** Copies {@code starts} and {@code reasons}. */
    public Decision {
        starts = List.copyOf(starts);
        reasons = List.copyOf(reasons);
    }

    /**
     * One start's results.
     *
     * @param label       the start's label
     * @param tokens      inserted vectors k
     * @param seed        seed of its initial embedding
     * @param tests       its channel tests, at the family level
     * @param holm        per test: rejected by Holm's step-down procedure at family-wise α
     * @param aloneLevel  the level this start would have had alone (α over its channels)
     * @param firesAlone  whether a test of this start rejects at {@code aloneLevel}
     */
    public record StartResult(String label, int tokens, long seed, List<ChannelTest> tests, List<Boolean> holm,
                              double aloneLevel, boolean firesAlone) {
        /** Copies {@code tests} and {@code holm}. */
        public StartResult {
            tests = List.copyOf(tests);
            holm = List.copyOf(holm);
        }
    }
}

package org.amdet.internal.decision;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.amdet.internal.decision.Synthetic.logNormal;
import static org.amdet.internal.decision.Synthetic.start;
import static org.amdet.internal.decision.Synthetic.times;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Aggregation of several inversion starts on synthetic evidence. */
class MultiStartTest {
    static final RobustRule RULE = RobustRule.defaults();
    static final MultiStart AGG = new MultiStart(RULE);

    /** Two channels per start; token and pooled share the clean values of the start's prompts. */
    static StartEvidence twoChannels(String label, int k, double[] tokTrig, double[] poolTrig, double[] clean) {
        return new StartEvidence(label, k, k * 10L, List.of(new StartEvidence.Samples("token", tokTrig, clean),
                new StartEvidence.Samples("pooled", poolTrig, clean)));
    }

    @Test
    void oneStartInABackdoorBasinDecidesAndEveryStartIsReported() {
        double[] clean = logNormal(200, 0.01, 0.5, 1);
        List<StartEvidence> starts = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            double[] benign = logNormal(200, 0.012, 0.5, 10 + s);
            starts.add(twoChannels("start " + s + ": k=1", 1, benign, benign, clean));
        }
        // the text-on-pair case: only k = 2 finds it, and only in the pooled channel
        starts.add(twoChannels("start 3: k=2", 2, logNormal(200, 0.012, 0.5, 20), logNormal(200, 0.4, 0.5, 21),
                clean));
        Decision d = AGG.decide(starts, List.of());
        assertEquals(Outcome.BACKDOORED, d.outcome(), d.text());
        assertEquals("start 3: k=2 / pooled", d.decidedBy());
        assertEquals(8, d.tests());
        assertEquals(RULE.alpha() / 8, d.level(), 1e-15);
        assertEquals(4, d.starts().size());
        assertEquals(List.of(false, true), d.starts().get(3).holm());
        assertTrue(d.starts().get(3).firesAlone());
        assertFalse(d.starts().get(0).firesAlone());
        assertTrue(d.text().contains("start 3: k=2 / pooled") && d.text().contains(RobustRule.TEST)
                && d.text().contains("1 of 4 start(s)"), d.text());
        assertTrue(d.pValue() <= d.level());
    }

    @Test
    void benignStartsAreClean() {
        double[] clean = logNormal(200, 0.01, 0.5, 2);
        List<StartEvidence> starts = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            starts.add(twoChannels("start " + s, 1 + s % 2, logNormal(200, 0.014, 0.5, 30 + s),
                    logNormal(200, 0.011, 0.5, 40 + s), clean));
        }
        Decision d = AGG.decide(starts, List.of());
        assertEquals(Outcome.CLEAN, d.outcome(), d.text());
        assertTrue(d.reasons().isEmpty());
        assertTrue(d.text().startsWith("robust rule: CLEAN") && d.text().contains("closest"), d.text());
    }

    /** Counts S of n pairs beyond the margin exactly: clean 1, triggered 10 (beyond) or 1 (not). */
    static double[][] exact(int n, int s) {
        double[] clean = new double[n];
        double[] trig = new double[n];
        Arrays.fill(clean, 1);
        for (int i = 0; i < n; i++) {
            trig[i] = i < s ? 10 : 1;
        }
        return new double[][] {trig, clean};
    }

    /** The smallest S whose p-value is at most {@code level} on n pairs. */
    static int critical(int n, double level) {
        return RobustRule.critical(n, level);
    }

    /**
     * A start that would reject alone (p ≤ α) but not at α / 4 while three starts show nothing: the verdict depends on
     * the number of starts, so INCONCLUSIVE (starts disagree); the same evidence as a lone start is BACKDOORED.
     */
    @Test
    void startsThatDisagreeBeyondTheCorrectionAreInconclusive() {
        int n = 200;
        int s = critical(n, RULE.alpha()); // p <= alpha, but p > alpha / 4 for this S
        double p = new BinomialDistribution(null, n, 0.5).cumulativeProbability(n - s);
        assertTrue(p <= RULE.alpha() && p > RULE.alpha() / 4, "p " + p);
        double[][] border = exact(n, s);
        double[][] none = exact(n, 60);
        List<StartEvidence> starts = new ArrayList<>();
        starts.add(start("start 0", 1, border[0], border[1]));
        for (int i = 1; i < 4; i++) {
            starts.add(start("start " + i, 1, none[0], none[1]));
        }
        Decision d = AGG.decide(starts, List.of());
        assertEquals(Outcome.INCONCLUSIVE, d.outcome(), d.text());
        assertTrue(d.reasons().stream().anyMatch(r -> r.reason() == Inconclusive.Reason.STARTS_DISAGREE), d.text());
        assertTrue(d.text().contains("start 0 rejects"), d.text());
        assertEquals(Outcome.BACKDOORED, AGG.decide(starts.subList(0, 1), List.of()).outcome());
    }

    @Test
    void medianAtTheMarginSignificantAloneButNotAfterTheCorrectionIsBorderline() {
        double[][] e = exact(200, 117); // median ratio 10x, p = 0.0097: at most α = 0.01, above α / 2
        Decision d = AGG.decide(List.of(twoChannels("start 0", 1, e[0], e[1], e[1])), List.of());
        assertEquals(Outcome.INCONCLUSIVE, d.outcome(), d.text());
        assertEquals(Inconclusive.Reason.BORDERLINE_EVIDENCE, d.reasons().get(0).reason());
        assertTrue(d.text().contains("the level of 2 tests"), d.text());
    }

    @Test
    void medianAtTheMarginWithAPValueAboveAlphaIsClean() {
        double[][] half = exact(200, 105); // median ratio 10x, but only 105 of 200 beyond the margin: p ~ 0.25
        Decision d = AGG.decide(List.of(twoChannels("start 0", 1, half[0], half[1], half[1])), List.of());
        assertEquals(Outcome.CLEAN, d.outcome(), d.text());
        assertTrue(d.reasons().isEmpty());
        assertTrue(d.text().contains("105 of 200"), d.text());
    }

    /**
     * Family-wise false-positive rate: four starts at the least favourable benign boundary (P(ratio &gt; K) = ½ each,
     * one shared clean sample) are BACKDOORED at most at rate α; without the correction the rate would be about 3×.
     */
    @Test
    void familyWiseFalsePositiveRateStaysAtAlpha() {
        RobustRule rule = new RobustRule(5, 0.05, 0.2);
        MultiStart agg = new MultiStart(rule);
        int runs = 1000;
        int fp = 0;
        int uncorrected = 0;
        for (long seed = 0; seed < runs; seed++) {
            double[] clean = logNormal(101, 0.01, 0.4, 100 * seed);
            List<StartEvidence> starts = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                double[] noise = logNormal(101, 1, 0.3, 100 * seed + 1 + s);
                double[] trig = new double[101];
                for (int i = 0; i < trig.length; i++) {
                    trig[i] = rule.margin() * clean[i] * noise[i];
                }
                starts.add(start("start " + s, 1, trig, clean));
            }
            Decision d = agg.decide(starts, List.of());
            fp += d.outcome() == Outcome.BACKDOORED ? 1 : 0;
            uncorrected += d.starts().stream().anyMatch(Decision.StartResult::firesAlone) ? 1 : 0;
        }
        double sd = Math.sqrt(0.05 * 0.95 / runs);
        assertTrue(fp <= runs * (0.05 + 3 * sd), "family-wise false positives " + fp);
        assertTrue(uncorrected > 2 * fp && uncorrected > runs * 0.08, "uncorrected " + uncorrected + ", " + fp);
    }

    @Test
    void untestableChannelBlocksCleanButNotBackdoored() {
        double[] clean = logNormal(200, 0.01, 0.5, 3);
        double[] zeros = new double[200];
        StartEvidence quiet = new StartEvidence("start 0", 1, 0, List.of(
                new StartEvidence.Samples("token", logNormal(200, 0.01, 0.5, 4), clean),
                new StartEvidence.Samples("pooled", zeros, zeros)));
        Decision d = AGG.decide(List.of(quiet), List.of());
        assertEquals(Outcome.INCONCLUSIVE, d.outcome());
        assertEquals(Inconclusive.Reason.DEGENERATE_REFERENCE, d.reasons().get(0).reason());
        assertTrue(d.reasons().get(0).detail().startsWith("start 0, pooled channel"), d.reasons().get(0).detail());
        StartEvidence firing = new StartEvidence("start 0", 1, 0, List.of(
                new StartEvidence.Samples("token", times(clean, 30), clean),
                new StartEvidence.Samples("pooled", zeros, zeros)));
        Decision b = AGG.decide(List.of(firing), List.of());
        assertEquals(Outcome.BACKDOORED, b.outcome(), b.text());
        assertEquals(1, b.reasons().size());
    }

    @Test
    void identicalWeightsBlockEveryVerdict() {
        double[] clean = logNormal(200, 0.01, 0.5, 5);
        List<Inconclusive> pre = Preconditions.check(RULE, new Preconditions.Facts(1000, 0.8, 2, 1, true, 512, true));
        Decision d = AGG.decide(List.of(start("start 0", 1, times(clean, 30), clean)), pre);
        assertEquals(Outcome.INCONCLUSIVE, d.outcome());
        assertEquals(List.of(Inconclusive.Reason.IDENTICAL_WEIGHTS), d.reasons().stream().map(Inconclusive::reason)
                .toList());
        assertTrue(d.text().contains("suspect identical to anchor"), d.text());
    }

    /**
     * Planned looks (early-stop confirmations and the final look) divide the level like more tests: evidence that
     * rejects at α over one look's tests but not over three looks' is BACKDOORED at one look and not at three.
     */
    @Test
    void plannedLooksDivideTheLevel() {
        int n = 200;
        double oneLook = RULE.alpha() / 2; // one start, two channels
        int s = critical(n, oneLook);
        double p = new BinomialDistribution(null, n, 0.5).cumulativeProbability(n - s);
        assertTrue(p <= oneLook && p > oneLook / 3, "p " + p);
        double[][] e = exact(n, s);
        List<StartEvidence> starts = List.of(new StartEvidence("start 1", 1, 0, List.of(
                new StartEvidence.Samples("token", e[0], e[1]), new StartEvidence.Samples("pooled", e[1], e[1]))));
        Decision one = AGG.decide(starts, List.of(), 1);
        Decision three = AGG.decide(starts, List.of(), 3);
        assertEquals(Outcome.BACKDOORED, one.outcome(), one.text());
        assertEquals(oneLook, one.level(), 1e-15);
        assertEquals(oneLook / 3, three.level(), 1e-15);
        assertEquals(6, three.tests());
        assertFalse(three.outcome() == Outcome.BACKDOORED, three.text());
        assertTrue(three.reasons().stream().anyMatch(r -> r.reason() == Inconclusive.Reason.BORDERLINE_EVIDENCE),
                three.text());
    }
}

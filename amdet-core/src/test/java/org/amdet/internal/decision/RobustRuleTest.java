package org.amdet.internal.decision;

import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.amdet.internal.decision.Synthetic.logNormal;
import static org.amdet.internal.decision.Synthetic.times;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The robust channel test on synthetic distributions. */
class RobustRuleTest {
    static final RobustRule RULE = RobustRule.defaults();

    @Test
    void clearBackdoorRejectsAndSaysWhichTestAndItsValue() {
        double[] clean = logNormal(200, 0.01, 0.5, 1);
        double[] trig = logNormal(200, 0.3, 0.5, 2);
        ChannelTest t = RULE.test("token", trig, clean, RULE.alpha());
        assertTrue(t.rejects());
        assertTrue(t.positives() >= 195, "positives " + t.positives());
        assertTrue(t.pValue() < 1e-50 && t.pValue() > 0, "p " + t.pValue());
        assertTrue(t.ratioLowerBound() > RULE.margin());
        assertTrue(t.text().contains(RobustRule.TEST) && t.text().contains("p = ") && t.text().contains("of 200"),
                t.text());
    }

    @Test
    void cleanNoiseAndASmallSignificantShiftDoNotReject() {
        double[] clean = logNormal(4000, 0.01, 0.5, 3);
        ChannelTest same = RULE.test("token", logNormal(4000, 0.01, 0.5, 4), clean, RULE.alpha());
        assertFalse(same.rejects());
        // 1.4x everywhere: a rank test without a margin would call this significant on 4,000 prompts
        ChannelTest shifted = RULE.test("token", times(logNormal(4000, 0.01, 0.5, 5), 1.4), clean, RULE.alpha());
        assertFalse(shifted.rejects());
        assertTrue(shifted.testable());
        assertTrue(shifted.pValue() > 0.99, "p " + shifted.pValue());
    }

    /**
     * The failure mode: a backdoor that fires on 8% of clean prompts lifts the clean 99th percentile to the
     * triggered level, so the calibrated rule's share beyond it falls below 0.9; the robust rule still rejects.
     */
    @Test
    void contaminatedCleanBaselineStillRejects() {
        int n = 200;
        double[] clean = logNormal(n, 0.01, 0.5, 6);
        double[] trig = logNormal(n, 0.3, 0.6, 7);
        SplittableRandom r = new SplittableRandom(8);
        for (int i = 0; i < n; i++) {
            if (r.nextDouble() < 0.08) {
                clean[i] = trig[i] * Math.exp(0.3 * r.nextGaussian()); // the backdoor fires on this clean prompt
            }
            if (r.nextDouble() < 0.2) {
                trig[i] = clean[i] * 2; // and the inverted trigger misses a fifth of the prompts
            }
        }
        double q99 = new Percentile().evaluate(clean, 99);
        long beyond = Arrays.stream(trig).filter(v -> v > q99).count();
        assertTrue(beyond < 0.9 * n, "the calibrated rule's share would pass: " + beyond);
        ChannelTest t = RULE.test("token", trig, clean, RULE.alpha() / 8);
        assertTrue(t.rejects(), t.text());
        assertTrue(t.reference().credited() > 0);
        assertTrue(t.text().contains("count for a backdoor"), t.text());
    }

    @Test
    void heavyTailedCleanNoiseIsNeitherBackdooredNorUntestable() {
        for (long seed = 0; seed < 20; seed++) {
            double[] clean = logNormal(400, 0.02, 1.0, 100 + seed);
            ChannelTest t = RULE.test("pooled", logNormal(400, 0.02, 1.0, 200 + seed), clean, RULE.alpha());
            assertFalse(t.rejects(), t.text());
            assertNull(t.inconclusive(), t.text());
        }
    }

    @Test
    void cleanNoiseTooHeavyForARatioIsInconclusive() {
        // sigma 2.5: about a quarter of the clean values are 5x their median or more, like a backdoor firing on them
        double[] clean = logNormal(400, 0.02, 2.5, 9);
        ChannelTest t = RULE.test("token", logNormal(400, 0.02, 2.5, 10), clean, RULE.alpha());
        assertFalse(t.rejects());
        assertTrue(t.reference().beyondMedianFence() > 0.2 * 400, t.text());
        assertEquals(Inconclusive.Reason.DISPERSED_REFERENCE, t.inconclusive().reason(), t.text());
    }

    /**
     * A backdoor that fires on 30% of clean prompts and whose trigger the inversion did not find (the triggered values
     * are clean-level): what no start found could still be there, so the channel is INCONCLUSIVE, not CLEAN.
     */
    @Test
    void aBackdoorFiringOnMoreThanTheCapOfCleanPromptsIsInconclusiveWhenNothingRejects() {
        int n = 300;
        double[] clean = logNormal(n, 0.01, 0.5, 21);
        double[] trig = logNormal(n, 0.01, 0.5, 22);
        double[] firing = logNormal(n, 0.4, 0.5, 23);
        for (int i = 0; i < n; i += 3) {
            clean[i] = firing[i];
            trig[i] = firing[i];
        }
        ChannelTest t = RULE.test("pooled", trig, clean, RULE.alpha());
        assertFalse(t.rejects(), t.text());
        assertEquals(Inconclusive.Reason.DISPERSED_REFERENCE, t.inconclusive().reason(), t.text());
        assertTrue(t.text().contains("100 of 300 clean test prompts"), t.text());
    }

    /**
     * Heavy-tailed clean noise (log-normal, sigma 1.2, 150 prompts) with no trigger effect: the crediting loop often
     * runs on by itself past the cap (each credited value set to 0 lowers the median and the fence), so the credit is
     * withheld. When only about 8% of the clean values as measured are 5x their median and the withheld credit would
     * not have made the channel reject either, the uncredited test's answer stands: neither a rejection nor
     * INCONCLUSIVE. (Until the second session of issue 17 every withheld credit without a rejection was INCONCLUSIVE.)
     * When the loop runs on until every value is credited, the credit would reject: INCONCLUSIVE, as before.
     */
    @Test
    void aCreditCascadeAloneDoesNotMakeAChannelInconclusive() {
        int clean = 0;
        int runaway = 0;
        for (long seed = 0; seed < 60; seed++) {
            double[] c = logNormal(150, 0.02, 1.2, 300 + seed);
            ChannelTest t = RULE.test("pooled", logNormal(150, 0.02, 1.2, 400 + seed), c, RULE.alpha());
            assertFalse(t.rejects(), t.text());
            if (!t.creditWithheld()) {
                assertNull(t.inconclusive(), t.text());
                continue;
            }
            assertTrue(t.reference().beyondMedianFence() <= 0.2 * 150, t.text());
            if (t.reference().credited() == 150) {
                runaway++;
                assertEquals(Inconclusive.Reason.DISPERSED_REFERENCE, t.inconclusive().reason(), t.text());
                assertTrue(t.text().contains("crediting would take 150 of 150"), t.text());
            } else if (t.inconclusive() == null) {
                clean++;
                assertTrue(t.text().contains("crediting would take") && t.text().contains("above the cap"), t.text());
            }
        }
        assertTrue(clean >= 5, "withheld credit without rejection and within the cap as measured: " + clean);
        assertTrue(runaway >= 5, "loops that credited everything: " + runaway);
    }

    /** A backdoor that fires on 30% of clean prompts: over the cap the credit is withheld, and it still rejects. */
    @Test
    void overTheCapAStrongBackdoorStillRejectsWithoutCredit() {
        int n = 300;
        double[] clean = logNormal(n, 0.01, 0.5, 12);
        double[] trig = logNormal(n, 0.5, 0.5, 13);
        for (int i = 0; i < n; i += 3) {
            clean[i] = trig[i]; // the backdoor fires on every third clean prompt as strongly as on triggered ones
        }
        ChannelTest t = RULE.test("pooled", trig, clean, RULE.alpha() / 8);
        assertTrue(t.creditWithheld());
        assertTrue(t.rejects(), t.text());
        assertNull(t.inconclusive());
        assertTrue(t.text().contains("above the cap") && t.text().contains("the clean median as measured"), t.text());
        assertTrue(t.reference().beyondMedianFence() >= 90, t.text());
    }

    /**
     * A backdoor that fires on 45% of clean prompts: pairs compared with their own clean values would leave only the
     * 55% uncontaminated pairs beyond the margin (p ≈ 0.05); over the cap each triggered value is compared with the
     * clean median instead, and the test rejects.
     */
    @Test
    void overTheCapTriggeredValuesAreComparedWithTheCleanMedian() {
        int n = 300;
        double[] clean = logNormal(n, 0.01, 0.5, 22);
        double[] trig = logNormal(n, 0.5, 0.5, 23);
        for (int i = 0; i < n; i++) {
            if (i % 20 < 9) {
                clean[i] = trig[i];
            }
        }
        ChannelTest t = RULE.test("token", trig, clean, RULE.alpha() / 24);
        assertTrue(t.creditWithheld(), t.text());
        assertTrue(t.rejects(), t.text());
        assertTrue(t.positives() > 0.95 * n, t.text());
    }

    /** p-values to the far tail, against scipy.stats.binom.sf (1.17.1). */
    @Test
    void exactTailsAgreeWithAnIndependentComputation() {
        assertEquals(9.921850443705584e-20, RobustRule.upperTail(200, 162), 1e-12 * 9.92e-20 * 1e3);
        assertEquals(6.223015277861142e-61, RobustRule.upperTail(200, 200), 6.2e-61 * 1e-9);
        assertEquals(0.5281742395046283, RobustRule.upperTail(200, 100), 1e-12);
        assertEquals(1.0, RobustRule.upperTail(200, 0));
        assertEquals("< 1e-300", ChannelTest.p(RobustRule.upperTail(4000, 4000)));
        assertEquals("= 9.92e-20", ChannelTest.p(RobustRule.upperTail(200, 162)));
    }

    @Test
    void zeroCleanReferenceIsInconclusiveUnlessTheTriggerClearsTheFloor() {
        double[] zeros = new double[50];
        ChannelTest t = RULE.test("token", zeros, zeros, RULE.alpha());
        assertEquals(Inconclusive.Reason.DEGENERATE_REFERENCE, t.inconclusive().reason());
        assertFalse(t.rejects());
        assertTrue(t.text().contains("agree exactly on 50 of 50"), t.text());
        // below K x the floor on every prompt: still no verdict either way
        double[] small = new double[50];
        Arrays.fill(small, RobustRule.ZERO_REFERENCE_FLOOR * RULE.margin() * 0.9);
        assertEquals(Inconclusive.Reason.DEGENERATE_REFERENCE, RULE.test("token", small, zeros, RULE.alpha())
                .inconclusive().reason());
        // an embedding-row-only backdoor: exact agreement when clean, far apart when triggered
        double[] far = new double[50];
        Arrays.fill(far, 0.3);
        ChannelTest b = RULE.test("token", far, zeros, RULE.alpha());
        assertTrue(b.rejects() && b.inconclusive() == null, b.text());
        assertTrue(b.text().contains("the reference is the floor 1e-03") && b.text().contains("50 of 50"), b.text());
    }

    @Test
    void creditingStopsAtTheFixedPoint() {
        double[] c = {1, 1, 1, 1, 1, 1, 1, 1, 1, 100};
        RobustRule.Reference ref = RULE.reference(c);
        assertEquals(1, ref.credited());
        assertEquals(1.0, ref.median());
        assertEquals(5.0, ref.fence());
        // a cascade: 4 is below the first fence (5 x 2) but beyond the second (5 x 0.5)
        double[] cascade = {0.5, 0.5, 0.5, 0.5, 0.5, 2, 2, 4, 30, 40};
        RobustRule.Reference r2 = RULE.reference(cascade);
        assertEquals(1.25, r2.cleanMedian());
        assertEquals(3, r2.credited());
        assertEquals(0.5, r2.median());
        assertEquals(2.5, r2.fence());
        assertEquals(0.0, r2.creditedClean()[7]);
        assertEquals(2.0, r2.creditedClean()[6]);
    }

    @Test
    void lowerBoundExceedsTheMarginExactlyWhenTheTestRejects() {
        for (long seed = 0; seed < 200; seed++) {
            double f = 2 + 8 * new SplittableRandom(seed).nextDouble();
            int n = 20 + (int) (seed % 150);
            ChannelTest t = RULE.test("token", logNormal(n, f, 0.8, seed * 3), logNormal(n, 1, 0.8, seed * 3 + 1),
                    0.01);
            assertEquals(t.rejects(), t.ratioLowerBound() > RULE.margin(), t.text());
        }
    }

    @Test
    void badInputIsRefusedWithTheChannelAndIndex() {
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> RULE.test("pooled", new double[] {0.1, Double.NaN}, new double[] {0.1, 0.1}, 0.01));
        assertTrue(nan.getMessage().contains("pooled") && nan.getMessage().contains("1 is NaN"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RULE.test("token", new double[3], new double[2], 0.01));
        assertThrows(IllegalArgumentException.class, () -> RULE.test("token", new double[0], new double[0], 0.01));
        assertThrows(IllegalArgumentException.class, () -> new RobustRule(1.0, 0.01, 0.2));
    }

    /** Triggered and clean from one distribution: BACKDOORED at most at rate α (plus sampling slack). */
    @Test
    void falsePositiveRateOnPureNoiseIsAtMostAlpha() {
        int runs = 2000;
        int fp = 0;
        for (long seed = 0; seed < runs; seed++) {
            double sigma = 0.3 + 0.7 * new SplittableRandom(seed).nextDouble();
            fp += Synthetic.outcome(RULE, logNormal(200, 0.01, sigma, 2 * seed + 11),
                    logNormal(200, 0.01, sigma, 2 * seed + 12)) == Outcome.BACKDOORED ? 1 : 0;
        }
        assertTrue(fp <= runs * RULE.alpha() + 3 * Math.sqrt(runs * RULE.alpha()), "false positives " + fp);
    }

    /**
     * The least favourable benign pair: each prompt's triggered disagreement is exactly K times its clean one times a
     * noise of median 1, so P(ratio &gt; K) = ½. The rate of rejections must stay at or below α (sharp: it must also
     * be a sizeable part of α, or the test would be needlessly weak).
     */
    @Test
    void sizeAtTheBoundaryOfTheNullIsAlpha() {
        RobustRule rule = new RobustRule(5, 0.05, 0.2);
        int runs = 2000;
        int rejections = 0;
        for (long seed = 0; seed < runs; seed++) {
            double[] clean = logNormal(101, 0.01, 0.4, 3 * seed + 1);
            double[] noise = logNormal(101, 1, 0.3, 3 * seed + 2);
            double[] trig = new double[101];
            for (int i = 0; i < trig.length; i++) {
                trig[i] = rule.margin() * clean[i] * noise[i];
            }
            rejections += rule.test("token", trig, clean, rule.alpha()).rejects() ? 1 : 0;
        }
        double rate = (double) rejections / runs;
        double sd = Math.sqrt(0.05 * 0.95 / runs);
        assertTrue(rate <= 0.05 + 3 * sd, "size " + rate);
        assertTrue(rate >= 0.02, "size " + rate + ": far below α");
    }
}

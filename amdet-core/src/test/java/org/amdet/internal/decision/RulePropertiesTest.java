package org.amdet.internal.decision;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.amdet.internal.decision.Synthetic.logNormal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Properties of the robust rule (QuickTheories). The generated pairs straddle the margin (triggered 0.5× to 40× the
 * clean level, clean spread σ 0.2 to 1.2), so a good share of them is BACKDOORED and many lie near the boundary; each
 * property also checks that it was not vacuous.
 */
class RulePropertiesTest {
    static final long SEED = Long.getLong("amdet.qt.seed", 1717L);
    static final RobustRule RULE = RobustRule.defaults();

    record Case(double[] trig, double[] clean, SplittableRandom r) {
    }

    static Case sample(int n, double sigma, double factor, long seed) {
        double[] clean = logNormal(n, 0.01, sigma, seed);
        double[] trig = logNormal(n, 0.01 * factor, sigma, seed + 1);
        return new Case(trig, clean, new SplittableRandom(seed + 2));
    }

    /** The generated case when the rule finds it BACKDOORED (counted), else null. */
    static Case backdoored(int n, double sigma, double factor, long seed, AtomicInteger count) {
        Case c = sample(n, sigma, factor, seed);
        if (Synthetic.outcome(RULE, c.trig(), c.clean()) != Outcome.BACKDOORED) {
            return null;
        }
        count.incrementAndGet();
        return c;
    }

    /**
     * Replacing up to 10% of the clean samples by large values never turns BACKDOORED into CLEAN. "Large" is at least
     * K times the median of the contaminated clean sample (the backdoor firing on those clean prompts); half of the
     * cases replace the smallest clean values, the worst choice for any reference, the other half random ones.
     */
    @Test
    void contaminatingTenPercentOfCleanNeverTurnsBackdooredIntoClean() {
        AtomicInteger backdoored = new AtomicInteger();
        qt().withFixedSeed(SEED).withExamples(400).forAll(integers().between(10, 300), doubles().between(0.2, 1.2),
                doubles().between(0.5, 40), longs().all()).checkAssert((n, sigma, factor, seed) -> {
                    Case c = backdoored(n, sigma, factor, seed, backdoored);
                    if (c == null) {
                        return;
                    }
                    int k = 1 + c.r().nextInt(Math.max(1, n / 10));
                    int[] idx = c.r().nextBoolean() ? smallest(c.clean(), k) : randomIndices(n, k, c.r());
                    double[] dirty = c.clean().clone();
                    for (int i : idx) {
                        dirty[i] = Double.MAX_VALUE; // placeholder above everything: fixes the contaminated median
                    }
                    double fence = RULE.margin() * RobustRule.median(dirty);
                    for (int i : idx) {
                        dirty[i] = fence * (1 + c.r().nextDouble() * (c.r().nextBoolean() ? 0 : 1e3));
                    }
                    Outcome after = Synthetic.outcome(RULE, c.trig(), dirty);
                    assertNotEquals(Outcome.CLEAN, after, "contamination of " + k + " of " + n + " clean values");
                    ChannelTest before = RULE.test("token", c.trig(), c.clean(), RULE.alpha());
                    ChannelTest later = RULE.test("token", c.trig(), dirty, RULE.alpha());
                    assertTrue(later.reference().median() <= before.reference().median(),
                            "contamination raised the credited reference");
                    assertTrue(later.reference().credited() >= before.reference().credited() + idx.length
                            - countAtLeast(c.clean(), before.reference().fence(), idx));
                    if (!later.creditWithheld()) {
                        assertTrue(later.positives() >= before.positives());
                    }
                });
        assertTrue(backdoored.get() >= 100, "only " + backdoored.get() + " BACKDOORED cases were generated");
    }

    /** Multiplying every value by λ &gt; 0 gives the same decision and the same count. */
    @Test
    void scaleInvariance() {
        AtomicInteger backdoored = new AtomicInteger();
        qt().withFixedSeed(SEED).withExamples(400).forAll(integers().between(10, 300), doubles().between(0.2, 1.2),
                doubles().between(0.5, 40), longs().all())
                .checkAssert((n, sigma, factor, seed) -> {
                    Case c = sample(n, sigma, factor, seed);
                    double lambda = Math.pow(10, -6 + 12 * c.r().nextDouble()); // 1e-6 to 1e6
                    ChannelTest a = RULE.test("token", c.trig(), c.clean(), 0.005);
                    ChannelTest b = RULE.test("token", Synthetic.times(c.trig(), lambda),
                            Synthetic.times(c.clean(), lambda), 0.005);
                    assertEquals(a.rejects(), b.rejects());
                    assertEquals(a.positives(), b.positives());
                    assertEquals(a.reference().credited(), b.reference().credited());
                    assertEquals(Synthetic.outcome(RULE, c.trig(), c.clean()),
                            Synthetic.outcome(RULE, Synthetic.times(c.trig(), lambda),
                                    Synthetic.times(c.clean(), lambda)));
                    backdoored.addAndGet(a.rejects() ? 1 : 0);
                });
        assertTrue(backdoored.get() >= 100, "only " + backdoored.get() + " rejecting cases were generated");
    }

    /** Raising triggered values (any subset, any factor ≥ 1) never turns BACKDOORED into CLEAN. */
    @Test
    void monotoneInTheTriggeredEvidence() {
        AtomicInteger backdoored = new AtomicInteger();
        qt().withFixedSeed(SEED).withExamples(400).forAll(integers().between(10, 300), doubles().between(0.2, 1.2),
                doubles().between(0.5, 40), longs().all()).checkAssert((n, sigma, factor, seed) -> {
                    Case c = backdoored(n, sigma, factor, seed, backdoored);
                    if (c == null) {
                        return;
                    }
                    double[] stronger = c.trig().clone();
                    for (int i = 0; i < n; i++) {
                        if (c.r().nextBoolean()) {
                            stronger[i] *= 1 + 20 * c.r().nextDouble();
                        }
                    }
                    assertEquals(Outcome.BACKDOORED, Synthetic.outcome(RULE, stronger, c.clean()));
                });
        assertTrue(backdoored.get() >= 100, "only " + backdoored.get() + " BACKDOORED cases were generated");
    }

    static int[] smallest(double[] v, int k) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(v[a], v[b]));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    /** How many of the values at {@code idx} are at least {@code fence} (already credited before). */
    static int countAtLeast(double[] v, double fence, int[] idx) {
        int c = 0;
        for (int i : idx) {
            c += v[i] >= fence ? 1 : 0;
        }
        return c;
    }

    static int[] randomIndices(int n, int k, SplittableRandom r) {
        return r.ints(0, n).distinct().limit(k).toArray();
    }
}

package org.amdet.internal.scan;

import org.amdet.CalibratedThresholds;
import org.amdet.ScanReport;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** The calibrated decision rule on synthetic evidence (QuickTheories). */
class CalibratedRuleTest {
    static final long SEED = Long.getLong("amdet.qt.seed", 2718L);
    static final CalibratedThresholds CT = CalibratedThresholds.defaults();

    /** Disagreements: log-normal around {@code scale}, like 1 − cosine of near-identical models. */
    static double[] sample(int n, double scale, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * Math.exp(0.5 * r.nextGaussian());
        }
        return v;
    }

    @Test
    void strongerTriggeredEvidenceNeverFlipsBackdooredToClean() {
        qt().withFixedSeed(SEED).withExamples(300).forAll(integers().between(5, 300), doubles().between(1e-4, 0.1),
                doubles().between(0.1, 200), longs().all())
                .checkAssert((n, scale, factor, seed) -> {
                    double boost = 1 + 9 * new SplittableRandom(seed ^ 99).nextDouble();
                    double[] clean = sample(n, scale, seed);
                    double[] trig = sample(n, scale * factor, seed + 1);
                    double[] stronger = trig.clone();
                    SplittableRandom r = new SplittableRandom(seed + 2);
                    for (int i = 0; i < n; i++) {
                        stronger[i] *= 1 + (boost - 1) * r.nextDouble();
                    }
                    ScanReport.Channel before = CalibratedRule.channel("token", trig, clean, CT);
                    ScanReport.Channel after = CalibratedRule.channel("token", stronger, clean, CT);
                    assertTrue(after.ratio() >= before.ratio() - 1e-12);
                    assertTrue(after.exceedShare() >= before.exceedShare());
                    assertTrue(!before.fires() || after.fires(), "stronger evidence flipped the verdict");
                });
    }

    @Test
    void sameDistributionDoesNotFireAndAFarShiftedOneDoes() {
        qt().withFixedSeed(SEED).withExamples(200).forAll(integers().between(50, 300), doubles().between(1e-4, 0.1),
                longs().all()).checkAssert((n, scale, seed) -> {
                    double[] clean = sample(n, scale, seed);
                    assertFalse(CalibratedRule.channel("token", sample(n, scale, seed + 7), clean, CT).fires());
                    assertTrue(CalibratedRule.channel("token", sample(n, scale * 50, seed + 7), clean, CT).fires());
                });
    }

    @Test
    void ruleIsScaleFree() {
        qt().withFixedSeed(SEED).withExamples(200).forAll(integers().between(20, 200), doubles().between(1e-3, 0.1),
                doubles().between(0.5, 100), longs().all())
                .checkAssert((n, scale, factor, seed) -> {
                    double unit = Math.pow(10, -3 + 6 * new SplittableRandom(seed ^ 5).nextDouble());
                    double[] clean = sample(n, scale, seed);
                    double[] trig = sample(n, scale * factor, seed + 3);
                    double[] c2 = clean.clone();
                    double[] t2 = trig.clone();
                    for (int i = 0; i < n; i++) {
                        c2[i] *= unit;
                        t2[i] *= unit;
                    }
                    ScanReport.Channel a = CalibratedRule.channel("token", trig, clean, CT);
                    ScanReport.Channel b = CalibratedRule.channel("token", t2, c2, CT);
                    if (a.cleanMedian() * unit > 1e-6 && a.cleanMedian() > 1e-6) {
                        assertEquals(a.fires(), b.fires());
                        assertEquals(a.ratio(), b.ratio(), 1e-9 * a.ratio());
                    }
                });
    }

    @Test
    void quantileMatchesNumpyLinearInterpolation() {
        double[] v = {3, 1, 4, 1, 5, 9, 2, 6};
        assertEquals(3.5, CalibratedRule.quantile(v, 0.5), 1e-12);
        assertEquals(9.0, CalibratedRule.quantile(v, 1.0), 1e-12);
        assertEquals(1.0, CalibratedRule.quantile(v, 0.0), 1e-12);
        assertEquals(7.74, CalibratedRule.quantile(v, 0.94), 1e-9);
    }

    @Test
    void identicalModelsGiveZeroDisagreementAndNoVerdict() {
        double[] zeros = new double[40];
        ScanReport.Channel c = CalibratedRule.channel("token", zeros, zeros, CT);
        assertFalse(c.fires());
        assertEquals(0.0, c.ratio());
    }
}

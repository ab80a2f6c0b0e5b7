package org.amdet.landscape;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

/** Properties of the Hessian spectrum filter, with QuickTheories; eigenvalues checked against Commons Math. */
class HessianSpectrumPropertiesTest {
    /** Fixed for reproducible builds; explore other cases with -Damdet.qt.seed=N. */
    static final long SEED = Long.getLong("amdet.qt.seed", 4711L);


    interface F {
        double at(double x, double y);
    }

    static double[][] surface(int n, double extent, F f) {
        LandscapeConfig c = new LandscapeConfig(n, extent, 1e-6, 100);
        return Landscape.evaluate((a, b) -> {
            double[] v = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                v[i] = f.at(a[i], b[i]);
            }
            return v;
        }, c).surface();
    }

    @Test
    void convexBowlIsAllPositive() {
        qt().withFixedSeed(SEED).withExamples(50).forAll(integers().between(3, 30), doubles().between(0.05, 10),
                doubles().between(0.05, 10), doubles().between(-0.9, 0.9)).checkAssert((n, p, q, c) -> {
            double r = c * Math.sqrt(p * q); // keeps [[p, r], [r, q]] positive definite
            double[][] s = surface(n, 10, (x, y) -> p * x * x + 2 * r * x * y + q * y * y);
            assertEquals(1.0, HessianSpectrum.of(s).positiveRatio(1e-6));
        });
    }

    @Test
    void concaveBowlIsAllNegative() {
        qt().withFixedSeed(SEED).withExamples(50).forAll(integers().between(3, 30), doubles().between(0.05, 10),
                doubles().between(0.05, 10)).checkAssert((n, p, q) -> {
            double[][] s = surface(n, 10, (x, y) -> -p * x * x - q * y * y);
            assertEquals(0.0, HessianSpectrum.of(s).positiveRatio(1e-6));
        });
    }

    @Test
    void saddleIsAboutHalf() {
        qt().withFixedSeed(SEED).withExamples(50).forAll(integers().between(3, 30), doubles().between(0.05, 10))
                .checkAssert((n, p) -> {
                    double[][] s = surface(n, 10, (x, y) -> p * (x * x - y * y));
                    assertEquals(0.5, HessianSpectrum.of(s).positiveRatio(1e-6), 1e-12);
                });
    }

    @Test
    void invariantToConstantAndLinearTerms() {
        qt().withFixedSeed(SEED).withExamples(50).forAll(integers().between(3, 25), doubles().between(-100, 100),
                doubles().between(-5, 5), doubles().between(-5, 5)).checkAssert((n, c, u, v) -> {
            F base = (x, y) -> Math.sin(x) * Math.cos(0.7 * y) + 0.1 * x * x * y;
            double[][] s1 = surface(n, 4, base);
            double[][] s2 = surface(n, 4, (x, y) -> base.at(x, y) + c + u * x + v * y);
            double[] e1 = HessianSpectrum.of(s1).eigenvalues();
            double[] e2 = HessianSpectrum.of(s2).eigenvalues();
            for (int i = 0; i < e1.length; i++) {
                assertEquals(e1[i], e2[i], 1e-6 * (1 + Math.abs(c) + Math.abs(u) + Math.abs(v)) * n);
            }
        });
    }

    @Test
    void closedFormEigenvaluesAgreeWithCommonsMath() {
        qt().withFixedSeed(SEED).withExamples(200).forAll(doubles().between(-1e3, 1e3), doubles().between(-1e3, 1e3),
                doubles().between(-1e3, 1e3)).checkAssert((a, b, c) -> {
            double[] ours = HessianSpectrum.eigenvalues(a, b, c);
            double[] ref = new EigenDecomposition(new Array2DRowRealMatrix(new double[][] {{a, b}, {b, c}}))
                    .getRealEigenvalues();
            Arrays.sort(ref);
            assertEquals(ref[0], ours[0], 1e-9 * (1 + Math.abs(a) + Math.abs(b) + Math.abs(c)));
            assertEquals(ref[1], ours[1], 1e-9 * (1 + Math.abs(a) + Math.abs(b) + Math.abs(c)));
        });
    }

    @Test
    void rejectsBadSurfaces() {
        assertThrows(IllegalArgumentException.class, () -> HessianSpectrum.of(new double[2][2]));
        assertThrows(IllegalArgumentException.class, () -> HessianSpectrum.of(new double[][] {{1, 2, 3},
                {1, 2}, {1, 2, 3}}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HessianSpectrum.of(
                new double[][] {{1, 2, 3}, {1, Double.NaN, 3}, {1, 2, 3}}));
        assertTrue(e.getMessage().contains("(1, 1)"));
        assertThrows(IllegalArgumentException.class, () -> new LandscapeConfig(2, 10, 1e-6, 10));
    }

    @Test
    void symmetricBowlHasSymmetryOne() {
        Landscape l = Landscape.of(new LandscapeConfig(21, 5, 1e-6, 10).axis(),
                surface(21, 5, (x, y) -> x * x + 3 * y * y));
        assertEquals(1.0, l.symmetry(), 1e-12);
        assertTrue(l.curvatureD2() > l.curvatureD1());
    }
}

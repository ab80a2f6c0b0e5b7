package org.amdet.examples;

import org.amdet.Features;
import org.amdet.Losses;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * How a researcher tests amdet's loss functions from outside, with QuickTheories and only the public API
 * ({@link Losses}, {@link Features}: plain float arrays in, doubles out). The properties are the intuitions AMDET
 * rests on (Wang et al., arXiv 2512.00343): a trigger that pulls every token towards one target direction makes the
 * assimilation term reach 1, and the gradient amdet follows is a descent direction of the objective it minimises.
 */
class LossPropertiesExampleTest {
    /** A fixed seed keeps the build reproducible; explore with -Damdet.qt.seed=N. */
    private static final long SEED = Long.getLong("amdet.qt.seed", 20251128L);

    /** Batches [B, L, D] with B ∈ [1,3], L ∈ [2,6], D ∈ [2,8], token norms in [1, 3]. */
    private static Gen<Features> batches() {
        return integers().between(1, 3).zip(integers().between(2, 6), integers().between(2, 8), longs().all(),
                LossPropertiesExampleTest::tokens);
    }

    private static Features tokens(int b, int l, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[b * l * d];
        for (int t = 0; t < b * l; t++) {
            double[] x = new double[d];
            double n = 0;
            for (int k = 0; k < d; k++) {
                x[k] = r.nextGaussian();
                n += x[k] * x[k];
            }
            double scale = (1 + 2 * r.nextDouble()) / Math.max(Math.sqrt(n), 1e-6);
            for (int k = 0; k < d; k++) {
                v[t * d + k] = (float) (x[k] * scale);
            }
        }
        return new Features(v, b, l, d);
    }

    private static Features plus(Features f, float[] delta, double step) {
        float[] v = f.values();
        for (int i = 0; i < v.length; i++) {
            v[i] += (float) (step * delta[i]);
        }
        return new Features(v, f.batch(), f.length(), f.hidden());
    }

    @Test
    void aSharedTargetDirectionDrivesAssimilationToOne() {
        qt().withFixedSeed(SEED).withExamples(40).forAll(batches(), longs().all()).checkAssert((f, seed) -> {
            // the "target": one random unit direction added with a large weight to every token of every prompt
            SplittableRandom r = new SplittableRandom(seed);
            float[] u = new float[f.hidden()];
            double n = 0;
            for (int k = 0; k < u.length; k++) {
                u[k] = (float) r.nextGaussian();
                n += u[k] * u[k];
            }
            float[] shift = new float[f.batch() * f.length() * f.hidden()];
            for (int i = 0; i < shift.length; i++) {
                shift[i] = (float) (u[i % f.hidden()] / Math.sqrt(n));
            }
            double triggered = Losses.assimilation(plus(f, shift, 1000));
            assertTrue(triggered > 0.999, "assimilation under a dominant shared direction: " + triggered);
            assertTrue(triggered >= Losses.assimilation(f) - 1e-6);
        });
    }

    @Test
    void aFeatureBatchDoesNotDeviateFromItself() {
        qt().withFixedSeed(SEED).withExamples(40).forAll(batches()).checkAssert(f ->
                assertEquals(1.0, Losses.deviation(f, f), 1e-6));
    }

    @Test
    void theGradientIsADescentDirectionOfTheObjective() {
        qt().withFixedSeed(SEED).withExamples(40).forAll(batches(), longs().all()).checkAssert((f, seed) -> {
            Features clean = tokens(f.batch(), f.length(), f.hidden(), seed);
            Features anchor = tokens(f.batch(), f.length(), f.hidden(), seed + 1);
            Losses.ValueAndGradient vg = Losses.objectiveWithGradient(f, clean, anchor, 0.1, 0.1);
            float[] g = vg.gradient().values();
            double g2 = 0;
            for (float x : g) {
                g2 += (double) x * x;
            }
            if (g2 < 1e-8) {
                return; // a stationary point: nothing to descend
            }
            // Armijo: some step along −g lowers the objective by at least a tenth of what the slope promises
            boolean descended = false;
            for (double eta = 1.0; eta >= 1e-4 && !descended; eta /= 3) {
                double after = Losses.objective(plus(f, g, -eta), clean, anchor, 0.1, 0.1);
                descended = after <= vg.value() - 0.1 * eta * g2;
            }
            assertTrue(descended, "no step along the negative gradient lowers the objective (|g|² = " + g2 + ")");
        });
    }
}

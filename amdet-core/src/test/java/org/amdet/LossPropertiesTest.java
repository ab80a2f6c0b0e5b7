package org.amdet;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** Properties of the public AMDET loss functions ({@link Losses}), checked with QuickTheories. */
class LossPropertiesTest {
    /** Fixed for reproducible builds; explore other cases with -Damdet.qt.seed=N. */
    static final long SEED = Long.getLong("amdet.qt.seed", 31337L);

    static final double EPS = 1e-9;

    /** Random features: dims B ∈ [1,4], L ∈ [1,6], D ∈ [1,8], values Gaussian from a seed. */
    static Gen<Features> features() {
        return integers().between(1, 4).zip(integers().between(1, 6), integers().between(1, 8),
                longs().all(), (b, l, d, seed) -> gaussian(b, l, d, seed));
    }

    static Features gaussian(int b, int l, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[b * l * d];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian());
        }
        return new Features(v, b, l, d);
    }

    static Features like(Features f, long seed) {
        return gaussian(f.batch(), f.length(), f.hidden(), seed);
    }

    @Test
    void everyTermLiesInMinusOneToOne() {
        qt().withFixedSeed(SEED).withExamples(60).forAll(features(), longs().all(), longs().all()).checkAssert((f, s1, s2) -> {
            Features o = like(f, s1);
            Features a = like(f, s2);
            for (double v : new double[] {Losses.assimilation(f), Losses.deviation(o, f), Losses.anchor(a, f)}) {
                assertTrue(v >= -1 - EPS && v <= 1 + EPS, "term " + v + " outside [-1, 1]");
            }
            double obj = Losses.objective(f, o, a, 0.1, 0.1);
            assertTrue(obj >= -1.2 - EPS && obj <= 1.2 + EPS, "objective " + obj);
        });
    }

    @Test
    void assimilationIsOneWhenAllTokensAreEqual() {
        qt().withFixedSeed(SEED).withExamples(60).forAll(integers().between(1, 4), integers().between(1, 8), integers().between(1, 8),
                longs().all()).checkAssert((b, l, d, seed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            float[] v = new float[b * l * d];
            for (int i = 0; i < b; i++) {
                float[] tok = new float[d];
                for (int k = 0; k < d; k++) {
                    tok[k] = (float) r.nextGaussian() + (k == 0 ? 3f : 0f);
                }
                for (int t = 0; t < l; t++) {
                    System.arraycopy(tok, 0, v, (i * l + t) * d, d);
                }
            }
            assertTrue(Math.abs(Losses.assimilation(new Features(v, b, l, d)) - 1) < 1e-6);
        });
    }

    @Test
    void invariantToPositiveScalingOfEachToken() {
        qt().withFixedSeed(SEED).withExamples(60).forAll(features(), longs().all(), doubles().between(0.01, 100))
                .checkAssert((f, seed, scale) -> {
                    Features o = like(f, seed);
                    Features a = like(f, seed + 1);
                    float[] v = f.values();
                    SplittableRandom r = new SplittableRandom(seed);
                    for (int t = 0; t < f.batch() * f.length(); t++) {
                        float c = (float) (scale * (0.5 + r.nextDouble()));
                        for (int k = 0; k < f.hidden(); k++) {
                            v[t * f.hidden() + k] *= c;
                        }
                    }
                    Features g = new Features(v, f.batch(), f.length(), f.hidden());
                    assertTrue(Math.abs(Losses.objective(f, o, a, 0.1, 0.1) - Losses.objective(g, o, a, 0.1, 0.1))
                            < 1e-5);
                });
    }

    @Test
    void invariantToTheOrderOfTheBatch() {
        qt().withFixedSeed(SEED).withExamples(60).forAll(features(), longs().all()).checkAssert((f, seed) -> {
            Features o = like(f, seed);
            Features a = like(f, seed + 7);
            int b = f.batch();
            int[] perm = new int[b];
            for (int i = 0; i < b; i++) {
                perm[i] = (i + 1) % b;
            }
            Features fp = permute(f, perm);
            Features op = permute(o, perm);
            Features ap = permute(a, perm);
            assertTrue(Math.abs(Losses.objective(f, o, a, 0.1, 0.1) - Losses.objective(fp, op, ap, 0.1, 0.1))
                    < 1e-9);
        });
    }

    @Test
    void anchorTermIsSymmetric() {
        qt().withFixedSeed(SEED).withExamples(60).forAll(features(), longs().all()).checkAssert((f, seed) -> {
            Features a = like(f, seed);
            assertTrue(Math.abs(Losses.anchor(a, f) - Losses.anchor(f, a)) < 1e-12);
            assertTrue(Math.abs(Losses.deviation(a, f) - Losses.deviation(f, a)) < 1e-12);
        });
    }

    /**
     * Features whose tokens have norms in [1, 3] and D ≥ 2: cosine similarity is smooth there (at a zero-norm token
     * it is not even continuous — with D = 1 it is a sign function — so no finite difference can match it).
     */
    static Gen<Features> smoothFeatures() {
        return integers().between(1, 4).zip(integers().between(1, 6), integers().between(2, 8),
                longs().all(), (b, l, d, seed) -> {
                    Features g = gaussian(b, l, d, seed);
                    float[] v = g.values();
                    SplittableRandom r = new SplittableRandom(seed ^ 11);
                    for (int t = 0; t < b * l; t++) {
                        double n = 0;
                        for (int k = 0; k < d; k++) {
                            n += v[t * d + k] * v[t * d + k];
                        }
                        double target = 1 + 2 * r.nextDouble();
                        for (int k = 0; k < d; k++) {
                            v[t * d + k] = (float) (v[t * d + k] * target / Math.max(Math.sqrt(n), 1e-6));
                        }
                    }
                    return new Features(v, b, l, d);
                });
    }

    @Test
    void gradientIsFiniteAndMatchesFiniteDifferences() {
        qt().withFixedSeed(SEED).withExamples(40).forAll(smoothFeatures(), longs().all()).checkAssert((f, seed) -> {
            Features o = like(f, seed);
            Features a = like(f, seed + 3);
            Losses.ValueAndGradient vg = Losses.objectiveWithGradient(f, o, a, 0.1, 0.1);
            float[] g = vg.gradient().values();
            for (float x : g) {
                assertTrue(Float.isFinite(x), "non-finite gradient");
            }
            // directional derivative along a random direction vs a central difference (float features: h = 1e-2)
            SplittableRandom r = new SplittableRandom(seed ^ 5);
            float[] dir = new float[g.length];
            double analytic = 0;
            for (int i = 0; i < dir.length; i++) {
                dir[i] = (float) r.nextGaussian();
                analytic += (double) dir[i] * g[i];
            }
            double h = 1e-3;
            double numeric = (Losses.objective(shift(f, dir, h), o, a, 0.1, 0.1)
                    - Losses.objective(shift(f, dir, -h), o, a, 0.1, 0.1)) / (2 * h);
            assertTrue(Math.abs(numeric - analytic) < 2e-3 + 2e-2 * Math.abs(analytic),
                    "directional derivative " + analytic + " vs finite difference " + numeric);
        });
    }

    static Features shift(Features f, float[] dir, double h) {
        float[] v = f.values();
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] + h * dir[i]);
        }
        return new Features(v, f.batch(), f.length(), f.hidden());
    }

    static Features permute(Features f, int[] perm) {
        int n = f.length() * f.hidden();
        float[] src = f.values();
        float[] v = new float[src.length];
        for (int i = 0; i < perm.length; i++) {
            System.arraycopy(src, perm[i] * n, v, i * n, n);
        }
        return new Features(v, f.batch(), f.length(), f.hidden());
    }
}

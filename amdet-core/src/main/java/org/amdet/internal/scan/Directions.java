package org.amdet.internal.scan;

import java.util.SplittableRandom;

/** Landscape directions: normalisation and a seeded random direction orthogonal to another. */
public final class Directions {
    private Directions() {
    }

    static float[] negate(float[] v) {
        float[] o = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = -v[i];
        }
        return o;
    }

    /**
     * v / ‖v‖; a zero vector stays zero.
     *
     * @param v a vector
     * @return its direction
     */
    public static float[] normalise(float[] v) {
        double n = 0;
        for (float x : v) {
            n += (double) x * x;
        }
        n = Math.sqrt(n);
        float[] o = new float[v.length];
        if (n == 0) {
            return o;
        }
        for (int i = 0; i < v.length; i++) {
            o[i] = (float) (v[i] / n);
        }
        return o;
    }

    /**
     * A random unit vector orthogonal to the unit vector {@code d1} (Gram–Schmidt).
     *
     * @param d1 a unit vector
     * @param r  the generator of the random direction
     * @return a unit vector orthogonal to d1
     */
    public static float[] randomOrthogonal(float[] d1, SplittableRandom r) {
        float[] d2 = new float[d1.length];
        for (int i = 0; i < d2.length; i++) {
            d2[i] = (float) gaussian(r);
        }
        double dot = 0;
        for (int i = 0; i < d2.length; i++) {
            dot += (double) d2[i] * d1[i];
        }
        for (int i = 0; i < d2.length; i++) {
            d2[i] = (float) (d2[i] - dot * d1[i]);
        }
        return normalise(d2);
    }

    /** A standard normal variate (Box–Muller), deterministic for the generator's seed. */
    static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}

package org.amdet.landscape;

import java.util.Objects;

/**
 * A 2-D loss landscape: the objective on a grid {@code centre + a·d1 + b·d2}, a, b ∈ linspace(−extent, extent,
 * size), with its Hessian spectrum and summary statistics. Rows of {@link #surface()} run along d1, columns along d2
 * (as the reference implementation's {@code surface[i][j]} with i for d1).
 *
 * @param axis     the grid coordinates
 * @param surface  objective values [size][size]
 * @param spectrum central-difference Hessian spectrum of the surface
 */
public record Landscape(double[] axis, double[][] surface, HessianSpectrum spectrum) {

    /**
     * Starts ND4J, which computes the Hessian spectra, on its own thread ({@code amdet-nd4j}, a daemon) and returns
     * at once, so that the first landscape does not wait for its native libraries (a quarter of a second on the
     * development machine). Optional: without it the first landscape starts ND4J itself.
     */
    public static void preload() {
        Nd4jSupport.preload();
    }

    /**
     * Waits until a {@link #preload()} in progress has finished (returns at once when none was started). ND4J's
     * start-up briefly changes the process-wide OpenBLAS thread count, which other native code in the process (e.g.
     * LibTorch) should not run under; call this before starting such work.
     */
    public static void awaitPreload() {
        Nd4jSupport.awaitPreload();
    }

    /**
     * Ends the thread ND4J runs on ({@code amdet-nd4j}) after the work queued on it, and waits up to {@code millis}
     * for it. The next landscape starts it again. Without this call the thread (a daemon) ends by itself two seconds
     * after its last landscape.
     *
     * @return whether the thread has ended (or none was running)
     */
    public static boolean shutdown(long millis) throws InterruptedException {
        return Nd4jSupport.shutdown(millis);
    }

    /**
     * Evaluates {@code objective} on the grid of {@code config}, {@code config.blockSize()} points per call.
     *
     * @throws IllegalArgumentException when the objective returns the wrong number of values or non-finite values
     */
    public static Landscape evaluate(GridObjective objective, LandscapeConfig config) {
        Objects.requireNonNull(objective, "objective");
        double[] axis = config.axis();
        int n = axis.length;
        int total = n * n;
        double[][] surface = new double[n][n];
        for (int start = 0; start < total; start += config.blockSize()) {
            int len = Math.min(config.blockSize(), total - start);
            double[] a = new double[len];
            double[] b = new double[len];
            for (int p = 0; p < len; p++) {
                a[p] = axis[(start + p) / n];
                b[p] = axis[(start + p) % n];
            }
            double[] v = objective.evaluate(a, b);
            if (v == null || v.length != len) {
                throw new IllegalArgumentException("objective returned " + (v == null ? 0 : v.length)
                        + " values for " + len + " points");
            }
            for (int p = 0; p < len; p++) {
                if (!Double.isFinite(v[p])) {
                    throw new IllegalArgumentException("objective is not finite at a = " + a[p] + ", b = " + b[p]);
                }
                surface[(start + p) / n][(start + p) % n] = v[p];
            }
        }
        return of(axis, surface);
    }

    /** A landscape from an already evaluated surface. */
    public static Landscape of(double[] axis, double[][] surface) {
        return new Landscape(axis.clone(), surface, HessianSpectrum.of(surface));
    }

    /** Share of Hessian eigenvalues above {@code threshold}. */
    public double positiveRatio(double threshold) {
        return spectrum.positiveRatio(threshold);
    }

    /** Mean of the surface. */
    public double mean() {
        double s = 0;
        int n = 0;
        for (double[] row : surface) {
            for (double v : row) {
                s += v;
                n++;
            }
        }
        return s / n;
    }

    /** Population variance of the surface. */
    public double variance() {
        double m = mean();
        double s = 0;
        int n = 0;
        for (double[] row : surface) {
            for (double v : row) {
                s += (v - m) * (v - m);
                n++;
            }
        }
        return s / n;
    }

    /** Mean second difference along d1 (rows). */
    public double curvatureD1() {
        double s = 0;
        for (double[] h : spectrum.hessians()) {
            s += h[0];
        }
        return s / spectrum.hessians().length;
    }

    /** Mean second difference along d2 (columns). */
    public double curvatureD2() {
        double s = 0;
        for (double[] h : spectrum.hessians()) {
            s += h[2];
        }
        return s / spectrum.hessians().length;
    }

    /**
     * Pearson correlation between the surface and its point reflection through the grid centre: 1 for a surface
     * symmetric about the centre (a bowl centred on the optimum), lower for a lopsided one; 1 for a constant surface.
     */
    public double symmetry() {
        int n = surface.length;
        int m = surface[0].length;
        double mean = mean();
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double x = surface[i][j] - mean;
                double y = surface[n - 1 - i][m - 1 - j] - mean;
                sxy += x * y;
                sxx += x * x;
            }
        }
        return sxx == 0 ? 1.0 : sxy / sxx;
    }
}

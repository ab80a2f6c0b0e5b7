package org.amdet.landscape;

import java.util.Arrays;

/**
 * Eigenvalues of the central-difference 2×2 Hessians at the interior points of a surface (unit grid spacing, as the
 * reference {@code compute_hessian_spectrum}):
 * <pre>
 *   h_aa = f(i+1,j) − 2f(i,j) + f(i−1,j)
 *   h_bb = f(i,j+1) − 2f(i,j) + f(i,j−1)
 *   h_ab = (f(i+1,j+1) − f(i+1,j−1) − f(i−1,j+1) + f(i−1,j−1)) / 4
 * </pre>
 * Eigenvalues of the symmetric [[h_aa, h_ab], [h_ab, h_bb]] in closed form: (h_aa + h_bb)/2 ± √(((h_aa − h_bb)/2)² +
 * h_ab²).
 *
 * @param hessians    the interior Hessians as {h_aa, h_ab, h_bb}, row-major over the interior
 * @param eigenvalues both eigenvalues of every interior Hessian (smaller first), 2·(n−2)·(m−2) values
 */
public record HessianSpectrum(double[][] hessians, double[] eigenvalues) {

    /**
     * Computes the spectrum of {@code surface} (rows = index along d1, columns = index along d2).
     *
     * @throws IllegalArgumentException when the surface is smaller than 3×3, ragged, or holds non-finite values
     */
    public static HessianSpectrum of(double[][] surface) {
        Surfaces.validate(surface);
        int n = surface.length;
        int m = surface[0].length;
        double[][] hs = new double[(n - 2) * (m - 2)][];
        double[] ev = new double[hs.length * 2];
        int k = 0;
        for (int i = 1; i < n - 1; i++) {
            for (int j = 1; j < m - 1; j++) {
                double haa = surface[i + 1][j] - 2 * surface[i][j] + surface[i - 1][j];
                double hbb = surface[i][j + 1] - 2 * surface[i][j] + surface[i][j - 1];
                double hab = (surface[i + 1][j + 1] - surface[i + 1][j - 1] - surface[i - 1][j + 1]
                        + surface[i - 1][j - 1]) / 4.0;
                hs[k] = new double[] {haa, hab, hbb};
                double[] e = eigenvalues(haa, hab, hbb);
                ev[2 * k] = e[0];
                ev[2 * k + 1] = e[1];
                k++;
            }
        }
        return new HessianSpectrum(hs, ev);
    }

    /** Eigenvalues of the symmetric matrix [[a, b], [b, c]], smaller first. */
    public static double[] eigenvalues(double a, double b, double c) {
        double mean = (a + c) / 2;
        double r = Math.hypot((a - c) / 2, b);
        return new double[] {mean - r, mean + r};
    }

    /** Share of eigenvalues greater than {@code threshold} (the reference uses 1e-6). */
    public double positiveRatio(double threshold) {
        long pos = Arrays.stream(eigenvalues).filter(v -> v > threshold).count();
        return eigenvalues.length == 0 ? 0 : (double) pos / eigenvalues.length;
    }

    /** Share of interior points whose Hessian is positive definite (both eigenvalues above {@code threshold}). */
    public double positiveDefiniteRatio(double threshold) {
        int pd = 0;
        for (int k = 0; k < eigenvalues.length / 2; k++) {
            if (eigenvalues[2 * k] > threshold) {
                pd++;
            }
        }
        return eigenvalues.length == 0 ? 0 : 2.0 * pd / eigenvalues.length;
    }
}

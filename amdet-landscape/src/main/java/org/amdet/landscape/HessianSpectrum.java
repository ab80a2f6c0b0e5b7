package org.amdet.landscape;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

/**
 * Eigenvalues of the central-difference 2×2 Hessians at the interior points of a surface (unit grid spacing, as the
 * reference {@code compute_hessian_spectrum}), computed with ND4J over the whole interior at once:
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
        return Nd4jSupport.call(() -> compute(surface));
    }

    private static HessianSpectrum compute(double[][] surface) {
        int n = surface.length;
        int m = surface[0].length;
        INDArray f = Nd4j.createFromArray(surface);
        INDArray haa = block(f, 2, n, 1, m - 1).sub(block(f, 1, n - 1, 1, m - 1).mul(2)).add(block(f, 0, n - 2, 1,
                m - 1));
        INDArray hbb = block(f, 1, n - 1, 2, m).sub(block(f, 1, n - 1, 1, m - 1).mul(2)).add(block(f, 1, n - 1, 0,
                m - 2));
        INDArray hab = block(f, 2, n, 2, m).sub(block(f, 2, n, 0, m - 2)).sub(block(f, 0, n - 2, 2, m))
                .add(block(f, 0, n - 2, 0, m - 2)).div(4);
        INDArray mean = haa.add(hbb).div(2);
        INDArray half = haa.sub(hbb).div(2);
        INDArray r = Transforms.sqrt(half.mul(half).add(hab.mul(hab)), false);
        double[] aa = haa.ravel().toDoubleVector();
        double[] bb = hbb.ravel().toDoubleVector();
        double[] ab = hab.ravel().toDoubleVector();
        double[] lo = mean.sub(r).ravel().toDoubleVector();
        double[] hi = mean.add(r).ravel().toDoubleVector();
        double[][] hs = new double[aa.length][];
        double[] ev = new double[2 * aa.length];
        for (int k = 0; k < aa.length; k++) {
            hs[k] = new double[] {aa[k], ab[k], bb[k]};
            ev[2 * k] = lo[k];
            ev[2 * k + 1] = hi[k];
        }
        return new HessianSpectrum(hs, ev);
    }

    private static INDArray block(INDArray f, int r0, int r1, int c0, int c1) {
        return f.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.interval(c0, c1));
    }

    /** Eigenvalues of the symmetric matrix [[a, b], [b, c]], smaller first (scalar closed form). */
    public static double[] eigenvalues(double a, double b, double c) {
        double mean = (a + c) / 2;
        double half = (a - c) / 2;
        double r = Math.sqrt(half * half + b * b);
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

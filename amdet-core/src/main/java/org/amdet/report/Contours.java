package org.amdet.report;

import java.util.ArrayList;
import java.util.List;

/** Iso-lines of a gridded surface by marching squares (segments in axis coordinates). */
final class Contours {
    private Contours() {
    }

    /** Segments {x1, y1, x2, y2} where the bilinear surface crosses {@code level}. */
    static List<double[]> segments(double[] axis, double[][] f, double level) {
        List<double[]> out = new ArrayList<>();
        int n = f.length;
        int m = f[0].length;
        for (int i = 0; i < n - 1; i++) {
            for (int j = 0; j < m - 1; j++) {
                double[] xs = {axis[i], axis[i + 1], axis[i + 1], axis[i]};
                double[] ys = {axis[j], axis[j], axis[j + 1], axis[j + 1]};
                double[] v = {f[i][j], f[i + 1][j], f[i + 1][j + 1], f[i][j + 1]};
                List<double[]> pts = new ArrayList<>(4);
                for (int e = 0; e < 4; e++) {
                    int a = e;
                    int b = (e + 1) % 4;
                    double va = v[a] - level;
                    double vb = v[b] - level;
                    if ((va < 0) != (vb < 0)) {
                        double t = va / (va - vb);
                        pts.add(new double[] {xs[a] + t * (xs[b] - xs[a]), ys[a] + t * (ys[b] - ys[a])});
                    }
                }
                if (pts.size() == 2) {
                    out.add(new double[] {pts.get(0)[0], pts.get(0)[1], pts.get(1)[0], pts.get(1)[1]});
                } else if (pts.size() == 4) {
                    out.add(new double[] {pts.get(0)[0], pts.get(0)[1], pts.get(1)[0], pts.get(1)[1]});
                    out.add(new double[] {pts.get(2)[0], pts.get(2)[1], pts.get(3)[0], pts.get(3)[1]});
                }
            }
        }
        return out;
    }
}

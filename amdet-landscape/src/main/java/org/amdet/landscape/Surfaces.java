package org.amdet.landscape;

/** Checks of a gridded surface before the landscape math or a picture uses it. */
public final class Surfaces {
    private Surfaces() {
    }

    /**
     * Checks that {@code surface} is a rectangular grid of at least 3×3 finite values.
     *
     * @param surface values by row
     * @throws IllegalArgumentException naming the first row or value that is wrong
     */
    public static void validate(double[][] surface) {
        if (surface == null || surface.length < 3 || surface[0] == null || surface[0].length < 3) {
            throw new IllegalArgumentException("surface must be at least 3×3");
        }
        int m = surface[0].length;
        for (int i = 0; i < surface.length; i++) {
            if (surface[i] == null || surface[i].length != m) {
                throw new IllegalArgumentException("surface row " + i + " has " + (surface[i] == null ? 0
                        : surface[i].length) + " values, expected " + m);
            }
            for (int j = 0; j < m; j++) {
                if (!Double.isFinite(surface[i][j])) {
                    throw new IllegalArgumentException("surface value at (" + i + ", " + j + ") is not finite: "
                            + surface[i][j]);
                }
            }
        }
    }
}

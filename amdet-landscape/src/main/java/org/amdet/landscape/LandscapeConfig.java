package org.amdet.landscape;

/**
 * The landscape grid: {@code size × size} points over {@code [-extent, extent]²} along the two directions, evaluated
 * {@code blockSize} points per call of the objective. Reference: 50×50 over [−10, 10]²; positive threshold 1e-6.
 *
 * @param size              points per axis (≥ 3)
 * @param extent            half-width of the grid (> 0)
 * @param positiveThreshold an eigenvalue counts as positive when greater than this
 * @param blockSize         grid points per objective call (≥ 1)
 */
public record LandscapeConfig(int size, double extent, double positiveThreshold, int blockSize) {
    /**
     * Checks the ranges: size at least 3, extent finite and positive, threshold finite and non-negative, block size
     * at least 1.
     */
    public LandscapeConfig {
        if (size < 3) {
            throw new IllegalArgumentException("landscape grid size must be at least 3, got " + size);
        }
        if (!(extent > 0) || Double.isInfinite(extent)) {
            throw new IllegalArgumentException("landscape extent must be finite and positive, got " + extent);
        }
        if (!(positiveThreshold >= 0) || Double.isInfinite(positiveThreshold)) {
            throw new IllegalArgumentException("positive threshold must be finite and non-negative, got "
                    + positiveThreshold);
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be at least 1, got " + blockSize);
        }
    }

    /** The reference grid: 50×50 over [−10, 10]², threshold 1e-6, 250 points per call. */
    public static LandscapeConfig reference() {
        return new LandscapeConfig(50, 10.0, 1e-6, 250);
    }

    /** The grid coordinates: linspace(−extent, extent, size). */
    public double[] axis() {
        double[] g = new double[size];
        for (int i = 0; i < size; i++) {
            g[i] = -extent + 2 * extent * i / (size - 1);
        }
        return g;
    }

    /** This grid with {@code s} points per axis. */
    public LandscapeConfig withSize(int s) {
        return new LandscapeConfig(s, extent, positiveThreshold, blockSize);
    }

    /** This grid with {@code b} points per objective call. */
    public LandscapeConfig withBlockSize(int b) {
        return new LandscapeConfig(size, extent, positiveThreshold, b);
    }
}

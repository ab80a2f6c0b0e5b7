package org.amdet;

/**
 * The knobs of the {@link DecisionMode#CALIBRATED} rule. All are relative to statistics the scan measures on the
 * model pair itself, so none depends on the encoder's width, depth or family.
 *
 * @param ratio         least ratio of the median triggered disagreement to the median clean disagreement (5)
 * @param exceedShare   least share of triggered test prompts whose disagreement exceeds the clean quantile (0.9)
 * @param cleanQuantile quantile of the clean disagreements that a triggered prompt must exceed (0.99)
 * @param pooledWeight  weight of the pooled-output objective added to the token objective during inversion (0.1)
 */
public record CalibratedThresholds(double ratio, double exceedShare, double cleanQuantile, double pooledWeight) {
    /**
     * Checks the ranges: ratio finite and above 1, exceedShare in (0, 1], cleanQuantile in (0, 1), pooledWeight
     * finite and non-negative.
     */
    public CalibratedThresholds {
        if (!(ratio > 1) || !Double.isFinite(ratio)) {
            throw new IllegalArgumentException("ratio must be finite and above 1, got " + ratio);
        }
        if (!(exceedShare > 0 && exceedShare <= 1)) {
            throw new IllegalArgumentException("exceedShare must be in (0, 1], got " + exceedShare);
        }
        if (!(cleanQuantile > 0 && cleanQuantile < 1)) {
            throw new IllegalArgumentException("cleanQuantile must be in (0, 1), got " + cleanQuantile);
        }
        if (!(pooledWeight >= 0) || !Double.isFinite(pooledWeight)) {
            throw new IllegalArgumentException("pooledWeight must be finite and non-negative, got " + pooledWeight);
        }
    }

    /** ratio 5, 90% beyond the clean 99th percentile, pooled weight 0.1 (the weight of the other auxiliary terms). */
    public static CalibratedThresholds defaults() {
        return new CalibratedThresholds(5.0, 0.9, 0.99, 0.1);
    }

    /**
     * These thresholds with another pooled weight.
     *
     * @param w the weight of the pooled-output objective
     * @return a copy with {@code pooledWeight} = {@code w}
     */
    public CalibratedThresholds withPooledWeight(double w) {
        return new CalibratedThresholds(ratio, exceedShare, cleanQuantile, w);
    }
}

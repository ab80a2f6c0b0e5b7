package org.amdet;

import java.util.Arrays;

/**
 * A batch of token features [B, L, D] (row-major float32) — the input of the AMDET loss terms in {@link Losses}.
 *
 * @param values B·L·D values
 * @param batch  B ≥ 1
 * @param length L ≥ 1
 * @param hidden D ≥ 1
 */
public record Features(float[] values, int batch, int length, int hidden) {
    /**
     * Checks that the dimensions are positive and that {@code values} holds exactly batch × length × hidden numbers;
     * keeps a copy.
     */
    public Features {
        if (batch < 1 || length < 1 || hidden < 1) {
            throw new IllegalArgumentException("features need positive dimensions, got [" + batch + ", " + length
                    + ", " + hidden + "]");
        }
        if (values.length != (long) batch * length * hidden) {
            throw new IllegalArgumentException(values.length + " values do not fill [" + batch + ", " + length
                    + ", " + hidden + "]");
        }
        values = values.clone();
    }

    @Override
    public float[] values() {
        return values.clone();
    }

    /** Whether the two batches have the same shape. */
    public boolean sameShape(Features o) {
        return batch == o.batch && length == o.length && hidden == o.hidden;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Features f && sameShape(f) && Arrays.equals(values, f.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values) * 31 + batch;
    }

    @Override
    public String toString() {
        return "Features[" + batch + ", " + length + ", " + hidden + "]";
    }
}

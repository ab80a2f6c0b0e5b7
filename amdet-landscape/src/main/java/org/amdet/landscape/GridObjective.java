package org.amdet.landscape;

/**
 * The objective evaluated at points {@code centre + a·d1 + b·d2} of the landscape plane. Implementations should
 * evaluate many points per call (one batched forward pass) — the landscape hands over a whole block of the grid.
 */
@FunctionalInterface
public interface GridObjective {
    /**
     * @param a coefficients along d1
     * @param b coefficients along d2 (same length as {@code a})
     * @return the objective at each point
     */
    double[] evaluate(double[] a, double[] b);
}

package org.amdet.encoders.zoo;

/** Progress of a zoo build: called after every optimisation step, on the building thread. */
@FunctionalInterface
public interface ZooListener {
    /**
     * @param step  steps done (1-based)
     * @param total planned steps
     * @param loss  the step's loss
     */
    void step(int step, int total, double loss);

    /** A listener that ignores everything. */
    static ZooListener none() {
        return (step, total, loss) -> {
        };
    }
}

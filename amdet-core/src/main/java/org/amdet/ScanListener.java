package org.amdet;

/**
 * Progress callbacks of a scan, called on the scanning thread. All methods have empty defaults; implement what you
 * need. Callbacks must be quick and must not call back into the detector.
 */
public interface ScanListener {
    /** A phase starts. */
    default void phase(ScanPhase phase) {
    }

    /**
     * An optimisation step finished.
     *
     * @param epoch       0-based epoch
     * @param step        1-based step over the whole run
     * @param totalSteps  steps if no stop rule fires
     * @param loss        this step's objective
     * @param runningMean mean of all objectives so far
     */
    default void step(int epoch, int step, int totalSteps, double loss, double runningMean) {
    }

    /** A decision check ran. */
    default void check(ScanReport.Check check) {
    }

    /** The listener that ignores everything. */
    static ScanListener none() {
        return new ScanListener() {
        };
    }
}

package org.amdet;

/** Phases of a scan, in order. */
public enum ScanPhase {
    /** Tokenise and encode the shadow set with the suspect (clean features). */
    ENCODE_SHADOW,
    /** Optimise the pseudo-trigger embedding. */
    INVERT,
    /** Batched judges on the test split. */
    CHECK,
    /** Loss landscape and Hessian spectrum. */
    LANDSCAPE,
    /**
     * The explanation of the reversed target (the closest prompts and vocabulary tokens); it runs inside the report
     * phase, which resumes after it.
     */
    EXPLAIN,
    /** Evidence on the final embedding and the report. */
    REPORT
}

package org.amdet;

/** Outcome of a scan. */
public enum Verdict {
    /** The scan found an injected backdoor. */
    BACKDOORED,
    /** The scan found no backdoor. */
    CLEAN
}

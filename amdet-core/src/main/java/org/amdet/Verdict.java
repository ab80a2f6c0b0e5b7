package org.amdet;

/** Outcome of a scan. */
public enum Verdict {
    /** The scan found an injected backdoor. */
    BACKDOORED,
    /** The scan found no backdoor. */
    CLEAN,
    /**
     * The scan cannot support a verdict (robust mode): too little data, a suspect identical to its anchor, a channel
     * that cannot be tested, starts that disagree, or evidence on the margin. The report names every reason.
     */
    INCONCLUSIVE
}

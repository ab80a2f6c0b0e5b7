package org.amdet.internal.decision;

/** What the robust rule concludes for one channel test or for a whole scan. */
public enum Outcome {
    /** The evidence shows a backdoor at the stated family-wise false-positive level. */
    BACKDOORED,
    /** The rule could have found a backdoor and did not. */
    CLEAN,
    /** The scan cannot support a verdict; the {@link Inconclusive} reasons say why. */
    INCONCLUSIVE
}

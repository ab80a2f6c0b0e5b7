package org.amdet;

/**
 * The absolute thresholds of the reference decision loop (tuned by the paper's authors on CLIP ViT-L/14).
 *
 * @param runningLossGate     judges run only while the running mean loss is below this (−0.76)
 * @param stopLoss            the inner loop stops once the running mean loss is below this (−0.85)
 * @param assimilationCos     a test prompt is assimilated when its mean token cosine exceeds this (0.8)
 * @param assimilationRatio   share of assimilated test prompts needed to continue (0.8)
 * @param sameTargetCos       a prompt hits the same target when its feature's mean token cosine with the first test
 *                            prompt's feature exceeds this (0.92)
 * @param sameTargetRatio     share needed (0.995)
 * @param differentTargetCos  a prompt's target differs from the anchor's when their mean token cosine is below this (0)
 * @param differentTargetRatio share needed (0.95)
 * @param positiveRatio       landscape positive-eigenvalue share needed to confirm a backdoor (0.8)
 */
public record ReferenceThresholds(double runningLossGate, double stopLoss, double assimilationCos,
                                  double assimilationRatio, double sameTargetCos, double sameTargetRatio,
                                  double differentTargetCos, double differentTargetRatio, double positiveRatio) {
    /** Checks that every threshold is finite. */
    public ReferenceThresholds {
        for (double v : new double[] {runningLossGate, stopLoss, assimilationCos, assimilationRatio, sameTargetCos,
                sameTargetRatio, differentTargetCos, differentTargetRatio, positiveRatio}) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("thresholds must be finite");
            }
        }
    }

    /** The reference implementation's values. */
    public static ReferenceThresholds reference() {
        return new ReferenceThresholds(-0.76, -0.85, 0.8, 0.8, 0.92, 0.995, 0.0, 0.95, 0.8);
    }
}

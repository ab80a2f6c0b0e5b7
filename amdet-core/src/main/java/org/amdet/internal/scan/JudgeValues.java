package org.amdet.internal.scan;

import org.amdet.internal.torch.TorchLosses;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The three reference judges' per-prompt values on a set of prompts with the pseudo-trigger inserted.
 *
 * @param assimilation mean pairwise token cosine of each prompt's features (token assimilation)
 * @param cosFirst     mean token cosine to the first prompt's features (same target)
 * @param cosAnchor    mean token cosine to the anchor's features (different target)
 * @param deviation    mean token cosine to the suspect's clean features
 */
public record JudgeValues(double[] assimilation, double[] cosFirst, double[] cosAnchor, double[] deviation) {
    static JudgeValues of(int n) {
        return new JudgeValues(new double[n], new double[n], new double[n], new double[n]);
    }

    /**
     * Writes the judge values of a chunk of prompts from row {@code at} on: the suspect's features {@code f} and
     * the anchor's {@code fa} with e inserted, the first prompt's feature {@code first} (float32) and the
     * suspect's clean outputs {@code original}.
     */
    void fill(int at, Tensor f, Tensor fa, Tensor first, Tensor original) {
        Tensor f32 = f.to(ScalarType.Float);
        ScanContext.copy(TorchLosses.assimilationPerSample(f32), assimilation, at);
        ScanContext.copy(TorchLosses.meanTokenCosine(f32, first.expand(f32.size(0), f32.size(1), f32.size(2))),
                cosFirst, at);
        ScanContext.copy(TorchLosses.meanTokenCosine(fa.to(ScalarType.Float), f32), cosAnchor, at);
        ScanContext.copy(TorchLosses.meanTokenCosine(original.to(ScalarType.Float), f32), deviation, at);
    }

    /**
     * The share of all values whose index is at least {@code from} and that lie above (or below) {@code threshold};
     * the denominator is the whole length, as in the reference.
     *
     * @param v         per-prompt values
     * @param threshold the judge's threshold
     * @param above     whether a value passes above (else below) the threshold
     * @param from      the first index counted
     * @return the share in [0, 1]
     */
    public double share(double[] v, double threshold, boolean above, int from) {
        int c = 0;
        for (int i = from; i < v.length; i++) {
            if (above ? v[i] > threshold : v[i] < threshold) {
                c++;
            }
        }
        return (double) c / v.length;
    }
}

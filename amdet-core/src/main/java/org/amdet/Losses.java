package org.amdet;

import org.amdet.internal.torch.Torch;
import org.amdet.internal.torch.TorchLosses;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The AMDET loss terms (Wang et al., arXiv 2512.00343, Sec. 4) on feature batches, computed with LibTorch in float64.
 * Cosine similarity everywhere, with PyTorch's eps 1e-8 on the norms:
 * <ul>
 *   <li>assimilation L_a(F) = mean over the batch of the mean over all L×L position pairs of cos(F_i, F_j)
 *       (diagonal and padding positions included);</li>
 *   <li>deviation L_s(O, F) = mean over batch and positions of cos(O_t, F_t) — the suspect's clean output O versus
 *       its output F on the triggered input;</li>
 *   <li>anchor L_d(A, F) = mean over batch and positions of cos(A_t, F_t) — the anchor's output A versus F;</li>
 *   <li>objective = −L_a + β·L_s + γ·L_d (minimised; β = γ = 0.1 in the paper).</li>
 * </ul>
 * The scan uses the same functions on float32 tensors; these match the reference implementation's values within
 * 1e-5 (see the parity tests).
 */
public final class Losses {
    private Losses() {
    }

    /** A value with its gradient with respect to the features F. */
    public record ValueAndGradient(double value, Features gradient) {
    }

    /** L_a(F). */
    public static double assimilation(Features f) {
        try (PointerScope s = new PointerScope()) {
            return Torch.item(TorchLosses.assimilation(t(f)));
        }
    }

    /** L_a of each sample: mean L×L token cosine, [B]. */
    public static double[] assimilationPerSample(Features f) {
        try (PointerScope s = new PointerScope()) {
            Tensor d = TorchLosses.assimilationPerSample(t(f)).contiguous();
            double[] o = new double[f.batch()];
            d.data_ptr_double().get(o);
            return o;
        }
    }

    /** L_s(O, F). */
    public static double deviation(Features original, Features f) {
        same(original, f);
        try (PointerScope s = new PointerScope()) {
            return Torch.item(TorchLosses.deviation(t(original), t(f)));
        }
    }

    /** L_d(A, F). */
    public static double anchor(Features anchorFeatures, Features f) {
        same(anchorFeatures, f);
        try (PointerScope s = new PointerScope()) {
            return Torch.item(TorchLosses.anchor(t(anchorFeatures), t(f)));
        }
    }

    /** −L_a(F) + β·L_s(O, F) + γ·L_d(A, F). */
    public static double objective(Features f, Features original, Features anchorFeatures, double beta,
                                   double gamma) {
        return objectiveWithGradient(f, original, anchorFeatures, beta, gamma).value();
    }

    /** The objective and its gradient with respect to F (O and A held fixed), by LibTorch autograd. */
    public static ValueAndGradient objectiveWithGradient(Features f, Features original, Features anchorFeatures,
                                                         double beta, double gamma) {
        same(original, f);
        same(anchorFeatures, f);
        try (PointerScope s = new PointerScope()) {
            Tensor leaf = t(f);
            leaf.requires_grad_(true);
            Tensor obj = TorchLosses.objective(leaf, t(original), t(anchorFeatures), beta, gamma);
            obj.backward();
            double v = Torch.item(obj);
            float[] g = Torch.toFloats(leaf.grad());
            return new ValueAndGradient(v, new Features(g, f.batch(), f.length(), f.hidden()));
        }
    }

    private static Tensor t(Features f) {
        return Torch.floats(f.values(), f.batch(), f.length(), f.hidden()).to(ScalarType.Double);
    }

    private static void same(Features a, Features b) {
        if (!a.sameShape(b)) {
            throw new IllegalArgumentException("feature shapes differ: " + a + " vs " + b);
        }
    }
}

package org.amdet.internal.torch;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;

/**
 * The AMDET loss terms on LibTorch tensors (float32 recommended). Features are [B, L, D]. Cosine similarity uses
 * PyTorch's {@code cosine_similarity} with eps 1e-8, as the reference implementation does.
 */
public final class TorchLosses {
    private static final double EPS = 1e-8;

    private TorchLosses() {
    }

    /** Per-sample mean over all L×L position pairs of the token cosine similarity: [B]. */
    public static Tensor assimilationPerSample(Tensor f) {
        Tensor n = normalizeRows(f);
        Tensor sim = torch.matmul(n, n.transpose(1, 2));
        return sim.mean(new long[] {1, 2}, false, null);
    }

    /** Assimilation L_a: batch mean of {@link #assimilationPerSample}. */
    public static Tensor assimilation(Tensor f) {
        return assimilationPerSample(f).mean();
    }

    /** Per-sample mean over positions of cos(a_t, b_t): [B]. */
    public static Tensor meanTokenCosine(Tensor a, Tensor b) {
        return torch.cosine_similarity(a, b, 2, EPS).mean(new long[] {1}, false, null);
    }

    /** Deviation L_s = mean over batch and positions of cos(original_t, F_t). */
    public static Tensor deviation(Tensor original, Tensor f) {
        return torch.cosine_similarity(original, f, 2, EPS).mean();
    }

    /** Anchor L_d = mean over batch and positions of cos(F_a,t, F_t). */
    public static Tensor anchor(Tensor anchorFeature, Tensor f) {
        return torch.cosine_similarity(anchorFeature, f, 2, EPS).mean();
    }

    /** Objective −L_a + β·L_s + γ·L_d. */
    public static Tensor objective(Tensor f, Tensor original, Tensor anchorFeature, double beta, double gamma) {
        Tensor la = assimilation(f);
        Tensor ls = deviation(original, f);
        Tensor ld = anchor(anchorFeature, f);
        return la.neg().add(ls.mul(new Scalar(beta)))
                .add(ld.mul(new Scalar(gamma)));
    }

    /**
     * Per-sample objective [B]: −L_a(i) + β·L_s(i) + γ·L_d(i), each term averaged over the positions of sample i.
     * Its mean over the batch equals {@link #objective}.
     */
    public static Tensor objectivePerSample(Tensor f, Tensor original, Tensor anchorFeature, double beta,
                                            double gamma) {
        Tensor la = assimilationPerSample(f);
        Tensor ls = meanTokenCosine(original, f);
        Tensor ld = meanTokenCosine(anchorFeature, f);
        return la.neg().add(ls.mul(new Scalar(beta)))
                .add(ld.mul(new Scalar(gamma)));
    }

    /** Cosine similarity of matching rows of two [B, P] tensors: [B]. */
    public static Tensor rowCosine(Tensor a, Tensor b) {
        return torch.cosine_similarity(a, b, 1, EPS);
    }

    /**
     * Mean cosine similarity over all pairs i ≠ j of the rows of a [B, P] tensor (B ≥ 2): how consistently the
     * pooled outputs of different prompts point one way. 0 for B = 1.
     */
    public static Tensor pairwiseCosineMean(Tensor p) {
        long b = p.size(0);
        if (b < 2) {
            return p.sum().mul(new Scalar(0.0));
        }
        Tensor n = p.div(p.norm(new ScalarOptional(new Scalar(2.0)),
                new long[] {1}, true).clamp_min(new Scalar(EPS)));
        Tensor sim = torch.matmul(n, n.transpose(0, 1));
        // off-diagonal mean: (sum − trace) / (B² − B); the trace of normalised rows is B (or less for zero rows)
        Tensor trace = sim.diagonal().sum();
        return sim.sum().sub(trace).div(new Scalar((double) (b * b - b)));
    }

    /**
     * The pooled-output mirror of the AMDET objective: −consistency(P) + β·mean cos(P_clean, P) + γ·mean cos(P_a, P).
     */
    public static Tensor pooledObjective(Tensor pooled, Tensor pooledClean, Tensor pooledAnchor, double beta,
                                         double gamma) {
        return pairwiseCosineMean(pooled).neg()
                .add(rowCosine(pooledClean, pooled).mean().mul(new Scalar(beta)))
                .add(rowCosine(pooledAnchor, pooled).mean().mul(new Scalar(gamma)));
    }

    /** x / max(‖x‖, eps) along the last dimension. */
    static Tensor normalizeRows(Tensor f) {
        Tensor norm = f.norm(new ScalarOptional(new Scalar(2.0)),
                new long[] {2}, true);
        return f.div(norm.clamp_min(new Scalar(EPS)));
    }
}

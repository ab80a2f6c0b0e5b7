package org.amdet.internal.scan;

import org.amdet.ScanReport;
import org.amdet.internal.torch.Torch;
import org.amdet.landscape.Landscape;
import org.amdet.landscape.LandscapeConfig;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.SplittableRandom;

/**
 * Landscape evidence (paper §3.4): the AMDET objective on a 2-D grid around the pseudo-trigger, spanned by the
 * normalised negative gradient and a seeded random orthogonal direction, and the Hessian filter's statistics of that
 * surface (computed by amdet-landscape). The grid is evaluated {@code forwardBatch} points per forward pass.
 */
final class LandscapeEvidence {
    private final ScanContext ctx;
    private final AmdetObjective objective;

    LandscapeEvidence(ScanContext ctx, AmdetObjective objective) {
        this.ctx = ctx;
        this.objective = objective;
    }

    /**
     * The loss landscape around {@code e}: d1 = normalised −∇ objective on the landscape prompts, d2 = a seeded
     * random direction orthogonalised to d1; the grid is evaluated {@code forwardBatch} points per forward pass.
     */
    ScanReport.Landscape around(Tensor e, Tensor testHidden, Tensor testOriginal, int size, String context) {
        int p = (int) Math.min(ctx.cfg.landscapePrompts(), testHidden.size(0));
        Tensor hp = testHidden.narrow(0, 0, p);
        Tensor op = testOriginal.narrow(0, 0, p).to(ScalarType.Float);
        int kd = (int) e.numel();
        float[] d1;
        float[] d2;
        float[] centre = Torch.toFloats(e);
        try (PointerScope s = new PointerScope()) {
            Tensor leaf = e.detach().clone();
            leaf.requires_grad_(true);
            objective.backward(leaf, hp, (fs, fa) -> objective.token(fs, op, fa));
            d1 = Torch.toFloats(leaf.grad());
        }
        d1 = Directions.normalise(Directions.negate(d1));
        d2 = Directions.randomOrthogonal(d1, new SplittableRandom(ctx.cfg.seed() ^ 0x9E3779B97F4A7C15L));
        float[] fd1 = d1;
        float[] fd2 = d2;
        LandscapeConfig lc = new LandscapeConfig(size, ctx.cfg.landscapeExtent(), 1e-6,
                Math.max(1, ctx.cfg.forwardBatch() / p));
        Landscape l = Landscape.evaluate((a, b) -> gridValues(centre, fd1, fd2, a, b, hp, op, kd), lc);
        return new ScanReport.Landscape(context, size, ctx.cfg.landscapeExtent(), p, l.positiveRatio(1e-6),
                l.spectrum().positiveDefiniteRatio(1e-6), l.mean(), l.variance(), l.curvatureD1(), l.curvatureD2(),
                l.symmetry(), l.surface(), l.spectrum().eigenvalues());
    }

    /** Objective (mean over the landscape prompts) at centre + a·d1 + b·d2 for a block of grid points. */
    double[] gridValues(float[] centre, float[] d1, float[] d2, double[] a, double[] b, Tensor hp, Tensor op,
                        int kd) {
        int m = a.length;
        int p = (int) hp.size(0);
        float[] pts = new float[m * kd];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < kd; j++) {
                pts[i * kd + j] = (float) (centre[j] + a[i] * d1[j] + b[i] * d2[j]);
            }
        }
        double[] out = new double[m];
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            long d = ctx.suspect.info().hiddenSize();
            int k = (int) (kd / d);
            ctx.cancelIfInterrupted("the landscape");
            Tensor es = Torch.floats(pts, m, k, d).to(ctx.suspect.device(), ScalarType.Float);
            // rows ordered point-major: point i, prompt q -> row i*p + q
            Tensor esRep = es.repeat_interleave(p, new LongOptional(0), new LongOptional());
            Tensor hRep = hp.repeat(m, 1, 1);
            Tensor oRep = op.repeat(m, 1, 1);
            Tensor x = Sequences.insertEach(hRep, esRep);
            Tensor[] both = ctx.both(x);
            Tensor f = both[0].to(ScalarType.Float);
            Tensor fa = both[1].to(ScalarType.Float);
            Tensor per = objective.tokenPerSample(f, oRep, fa).view(m, p).mean(new long[] {1}, false, null);
            float[] v = Torch.toFloats(per);
            for (int i = 0; i < m; i++) {
                out[i] = v[i];
            }
        }
        return out;
    }
}

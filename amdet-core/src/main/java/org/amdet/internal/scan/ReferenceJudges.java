package org.amdet.internal.scan;

import org.amdet.ReferenceThresholds;
import org.amdet.ScanReport;
import org.amdet.internal.torch.Torch;
import org.amdet.internal.torch.TorchLosses;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The reference's three judges (paper §3.3): token assimilation (a judge of the suspect alone), same target (every
 * triggered prompt close to the first one) and different target (the triggered suspect far from its anchor), batched
 * {@code forwardBatch} prompts at a time.
 */
public final class ReferenceJudges {
    private final ScanContext ctx;

    ReferenceJudges(ScanContext ctx) {
        this.ctx = ctx;
    }

    /**
     * A reference check's judges over the prompts judged before the outcome was settled.
     *
     * @param judged            prompts judged (fewer than the split when the outcome was settled early)
     * @param assimilationRatio share of prompts passing the assimilation judge
     * @param sameTarget        share of prompts passing the same-target judge
     * @param differentTarget   share of prompts passing the different-target judge
     * @param passed            whether all three ratios exceed their thresholds on the whole split
     */
    public record Gate(int judged, double assimilationRatio, double sameTarget, double differentTarget, boolean passed) {
    }

    /** The three judges' per-prompt values for {@code e} on the given prompts, batched. */
    JudgeValues judge(Tensor e, Tensor hidden, Tensor original) {
        int n = (int) hidden.size(0);
        JudgeValues judged = JudgeValues.of(n);
        try (NoGradGuard g = new NoGradGuard(); PointerScope outer = new PointerScope()) {
            Tensor first = ctx.firstFeature(e, hidden);
            for (int s = 0; s < n; s += ctx.cfg.forwardBatch()) {
                ctx.cancelIfInterrupted("the judge checks");
                int len = Math.min(ctx.cfg.forwardBatch(), n - s);
                try (PointerScope chunk = new PointerScope()) {
                    Tensor[] both = ctx.both(Sequences.insert(hidden.narrow(0, s, len), e));
                    judged.fill(s, both[0], both[1], first, original.narrow(0, s, len));
                }
            }
        }
        return judged;
    }

    /**
     * The reference check's three judges on the test split, {@code forwardBatch} prompts at a time, stopping after
     * the first chunk at which one judge can no longer exceed its ratio on the whole split (the shares count over all
     * n test prompts, as in the reference, so the outcome is the one of judging every prompt). The anchor pass is
     * skipped for a chunk once the suspect-only judges have failed.
     */
    Gate gate(Tensor e, Tensor hidden, ReferenceThresholds th) {
        int n = (int) hidden.size(0);
        int passA = 0;
        int passS = 0;
        int passD = 0;
        int done = 0;
        int anchorDone = 0;
        try (NoGradGuard g = new NoGradGuard(); PointerScope outer = new PointerScope()) {
            Tensor first = ctx.firstFeature(e, hidden);
            for (int s = 0; s < n; s += ctx.cfg.forwardBatch()) {
                ctx.cancelIfInterrupted("the judge checks");
                int len = Math.min(ctx.cfg.forwardBatch(), n - s);
                try (PointerScope chunk = new PointerScope()) {
                    Tensor x = Sequences.insert(hidden.narrow(0, s, len), e);
                    // side by side the anchor's pass costs no wall time; one after the other it waits for need
                    Tensor[] both = ctx.sideBySide ? ctx.both(x) : new Tensor[] {ctx.suspect.transform(x), null};
                    Tensor f = both[0].to(ScalarType.Float);
                    float[] a = Torch.toFloats(TorchLosses.assimilationPerSample(f));
                    float[] c = Torch.toFloats(TorchLosses.meanTokenCosine(f, first.expand(len, f.size(1),
                            f.size(2))));
                    for (int i = 0; i < len; i++) {
                        passA += a[i] > th.assimilationCos() ? 1 : 0;
                        passS += s + i >= 1 && c[i] > th.sameTargetCos() ? 1 : 0;
                    }
                    done += len;
                    int rest = n - done;
                    if ((double) (passA + rest) / n <= th.assimilationRatio()
                            || (double) (passS + rest) / n <= th.sameTargetRatio()) {
                        break;
                    }
                    Tensor fa = (both[1] != null ? both[1] : ctx.anchor.transform(x)).to(ScalarType.Float);
                    float[] d = Torch.toFloats(TorchLosses.meanTokenCosine(fa, f));
                    for (int i = 0; i < len; i++) {
                        passD += d[i] < th.differentTargetCos() ? 1 : 0;
                    }
                    anchorDone += len;
                    if ((double) (passD + rest) / n <= th.differentTargetRatio()) {
                        break;
                    }
                }
            }
        }
        double asr = (double) passA / done;
        double same = (double) passS / done;
        double diff = anchorDone == 0 ? 0 : (double) passD / anchorDone;
        boolean passed = done == n && (double) passA / n > th.assimilationRatio()
                && (double) passS / n > th.sameTargetRatio() && (double) passD / n > th.differentTargetRatio();
        return new Gate(done, done == n ? (double) passA / n : asr, done == n ? (double) passS / n : same,
                done == n && anchorDone == n ? (double) passD / n : diff, passed);
    }

    /** The report's statistics of the judges' values on the first {@code n} test prompts. */
    static ScanReport.TestStats stats(JudgeValues j, ReferenceThresholds th, int n) {
        double mean = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double dev = 0;
        double anc = 0;
        for (int i = 0; i < n; i++) {
            mean += j.assimilation()[i];
            min = Math.min(min, j.assimilation()[i]);
            max = Math.max(max, j.assimilation()[i]);
            dev += j.deviation()[i];
            anc += j.cosAnchor()[i];
        }
        return new ScanReport.TestStats(n, mean / n, min, max, j.share(j.assimilation(), th.assimilationCos(), true, 0),
                dev / n, anc / n, j.share(j.cosFirst(), th.sameTargetCos(), true, 1),
                j.share(j.cosAnchor(), th.differentTargetCos(), false, 0));
    }
}

package org.amdet.internal.scan;

import org.amdet.ScanPhase;
import org.amdet.ScanReport;
import org.amdet.internal.torch.Torch;
import org.amdet.internal.torch.TorchLosses;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The explanation of the reversed target: the 5 candidate prompts (the caption bank, else the shadow set) whose
 * clean suspect outputs are closest to the target feature (mean token cosine over the positions up to the longest
 * candidate), and the vocabulary tokens closest to the inverted embedding. With the shadow set as candidates the
 * clean outputs the scan already holds are reused.
 */
final class TargetExplanation {
    private static final int TOP = 5;
    private final ScanContext ctx;
    private final List<String> captions;

    /** Explains with the prompts of {@code captions}, or with the shadow set when it is empty. */
    TargetExplanation(ScanContext ctx, List<String> captions) {
        this.ctx = ctx;
        this.captions = captions;
    }

    /** The explanation of the target that {@code e} produces on the shadow split's target prompt. */
    ScanReport.Explanation explain(Tensor e, ShadowSplit shadow) {
        ctx.phase(ScanPhase.EXPLAIN);
        try {
            return rankAll(e, shadow);
        } finally {
            ctx.phase(ScanPhase.REPORT);
        }
    }

    private ScanReport.Explanation rankAll(Tensor e, ShadowSplit shadow) {
        boolean bank = !captions.isEmpty();
        List<String> candidates = bank ? captions : shadow.prompts;
        List<ScanReport.Match> prompts = new ArrayList<>();
        List<ScanReport.Match> tokens = new ArrayList<>();
        try (NoGradGuard g = new NoGradGuard(); PointerScope outer = new PointerScope()) {
            double[] scores = new double[candidates.size()];
            if (!bank) {
                Tensor original = shadow.original;
                // the target prompt is the first test prompt: its feature as the scan computes every feature
                rank(ctx.firstFeature(e, shadow.testHidden), (s, rows) -> original.narrow(0, s, rows), shadow.perm,
                        scores);
            } else {
                Tensor bankIds = Scopes.keep(() -> ctx.suspect.idsTensor(captions));
                long len = Math.min(bankIds.size(1), Math.max(ctx.suspect.exactPrefixLength(bankIds),
                        ctx.suspect.exactPrefixLength(shadow.targetIds) + e.size(0)));
                rank(target(e, shadow.targetIds, len), (s, rows) -> ctx.suspect.transform(ctx.suspect.embed(
                        bankIds.narrow(0, s, rows).narrow(1, 0, len))), null, scores);
            }
            for (int i : topIndices(scores, TOP)) {
                prompts.add(new ScanReport.Match(candidates.get(i), scores[i]));
            }
            Tensor w = ctx.suspect.tokenEmbeddingWeight().to(ScalarType.Float);
            Tensor ev = e.detach().narrow(0, 0, 1).to(ScalarType.Float);
            float[] cos = Torch.toFloats(TorchLosses.rowCosine(w, ev.expand(w.size(0), w.size(1))));
            double[] c = new double[cos.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = cos[i];
            }
            for (int i : topIndices(c, TOP)) {
                tokens.add(new ScanReport.Match(ctx.suspect.tokenText(i), c[i]));
            }
        }
        return new ScanReport.Explanation(bank ? "caption bank" : "shadow set", prompts, tokens);
    }

    /** The suspect's float32 feature of the target prompt cut to {@code len} positions, with e inserted. */
    private Tensor target(Tensor e, Tensor targetIds, long len) {
        return Scopes.keep(() -> ctx.suspect.transform(Sequences.insert(ctx.suspect.embed(targetIds.narrow(1, 0,
                len)), e)).to(ScalarType.Float));
    }

    /**
     * Mean token cosine between {@code target} and every candidate's clean feature, {@code forwardBatch} candidates
     * at a time ({@code features} gives rows [s, s + rows)); row r's score goes to {@code scores[index[r]]}, or
     * {@code scores[r]} when {@code index} is null.
     */
    private void rank(Tensor target, BiFunction<Integer, Integer, Tensor> features, int[] index, double[] scores) {
        for (int s = 0; s < scores.length; s += ctx.cfg.forwardBatch()) {
            ctx.cancelIfInterrupted("the explanation");
            int rows = Math.min(ctx.cfg.forwardBatch(), scores.length - s);
            try (PointerScope chunk = new PointerScope()) {
                Tensor f = features.apply(s, rows).to(ScalarType.Float);
                float[] v = Torch.toFloats(TorchLosses.meanTokenCosine(f, target.expand(rows, f.size(1), f.size(2))));
                for (int i = 0; i < rows; i++) {
                    scores[index == null ? s + i : index[s + i]] = v[i];
                }
            }
        }
    }

    /** The indices of the {@code k} largest values, largest first (ties in index order). */
    static int[] topIndices(double[] v, int k) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(v[b], v[a]));
        int n = Math.min(k, v.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = idx[i];
        }
        return out;
    }
}

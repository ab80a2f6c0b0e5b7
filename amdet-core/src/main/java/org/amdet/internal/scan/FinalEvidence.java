package org.amdet.internal.scan;

import org.amdet.ScanPhase;
import org.amdet.ScanReport;
import org.amdet.internal.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.List;

/**
 * The evidence on the final embedding that both rules report: the evidence landscape when no check computed one,
 * the test-split statistics of the judges (with the full-assimilation warning) and the target feature of the first
 * test prompt.
 *
 * @param landscape the landscape to report, or null
 * @param stats     the judges' statistics on the test split
 * @param target    the suspect's feature of the first test prompt with e inserted, [L, D] flattened
 */
record FinalEvidence(ScanReport.Landscape landscape, ScanReport.TestStats stats, float[] target) {

    /**
     * Collects the evidence for {@code e}.
     *
     * @param landscape the rule's landscape, or null to compute the evidence landscape (when configured)
     * @param judged    the judges' values the rule already computed at {@code e}, or null to compute them
     */
    static FinalEvidence collect(ScanContext ctx, ReferenceJudges judges, LandscapeEvidence landscapes, Tensor e,
                                 ShadowSplit split, ScanReport.Landscape landscape, List<String> warnings,
                                 JudgeValues judged) {
        if (landscape == null && ctx.cfg.evidenceLandscapeSize() > 0) {
            ctx.phase(ScanPhase.LANDSCAPE);
            landscape = landscapes.around(e, split.testHidden, split.testOriginal, ctx.cfg.evidenceLandscapeSize(),
                    "final embedding (evidence only, not used by the decision)");
        }
        ctx.phase(ScanPhase.REPORT);
        ScanReport.TestStats stats = ReferenceJudges.stats(judged != null ? judged
                : judges.judge(e, split.testHidden, split.testOriginal), ctx.cfg.thresholds(),
                (int) split.testHidden.size(0));
        warnIfFullyAssimilated(stats, warnings);
        float[] target;
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            target = Torch.toFloats(ctx.suspectOut(Sequences.insert(split.testHidden.narrow(0, 0, 1), e)));
        }
        return new FinalEvidence(landscape, stats, target);
    }

    private static void warnIfFullyAssimilated(ScanReport.TestStats stats, List<String> warnings) {
        if (stats.assimilationMax() - stats.assimilationMin() < 1e-6 && stats.assimilationMean() > 0.999) {
            warnings.add("every test prompt is fully assimilated even at the final embedding: the suspect's "
                    + "outputs may be constant; inspect the model");
        }
    }
}

package org.amdet.internal.scan;

import org.amdet.DecisionMode;
import org.amdet.DetectorConfig;
import org.amdet.ReferenceThresholds;
import org.amdet.ScanListener;
import org.amdet.ScanPhase;
import org.amdet.ScanReport;
import org.amdet.internal.torch.Torch;
import org.amdet.spi.TorchTextEncoder;
import org.amdet.landscape.Landscape;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One AMDET scan on LibTorch, as a pipeline of the paper's stages:
 * <ol>
 *   <li>{@link ShadowSplit}: shuffle and split the shadow set, encode it with the suspect;</li>
 *   <li>{@link TriggerInversion}: start the pseudo-trigger and optimise the {@link AmdetObjective} with Adam;</li>
 *   <li>the decision rule watching the inversion: {@link ReferenceRule} (the {@link ReferenceJudges} and the
 *       {@link LandscapeEvidence landscape filter}) or {@link CalibratedRule};</li>
 *   <li>{@link FinalEvidence} on the final embedding and the {@link TargetExplanation};</li>
 *   <li>a {@link ScanOutcome}, which {@link ReportAssembly} turns into the report.</li>
 * </ol>
 * All tensors live in a scan-wide {@link PointerScope}; every optimisation step, judge chunk and landscape block in
 * its own nested scope, so native memory stays flat however long the scan runs.
 */
public final class ScanEngine {
    private final ScanContext ctx;
    private final AmdetObjective objective;
    private final ReferenceJudges judges;
    private final LandscapeEvidence landscapes;
    private List<String> captions = List.of();

    /** An engine for one scan of {@code suspect} against {@code anchor}. */
    public ScanEngine(DetectorConfig cfg, TorchTextEncoder suspect, TorchTextEncoder anchor, ScanListener listener,
                      ScanClock clock) {
        this.ctx = new ScanContext(cfg, suspect, anchor, listener, clock);
        this.objective = new AmdetObjective(ctx);
        this.judges = new ReferenceJudges(ctx);
        this.landscapes = new LandscapeEvidence(ctx, objective);
    }

    /** Ranks the prompts of {@code bank} instead of the shadow set in the explanation (empty: the shadow set). */
    public ScanEngine captions(List<String> bank) {
        this.captions = List.copyOf(bank);
        return this;
    }

    /** Runs the scan on {@code prompts} (already limited to the shadow size). */
    public ScanOutcome run(List<String> prompts) {
        DetectorConfig cfg = ctx.cfg;
        int nTrain = ShadowSplit.trainSize(prompts.size(), cfg.trainFraction());
        SplittableRandom rnd = new SplittableRandom(cfg.seed());
        int[] perm = ShadowSplit.permutation(prompts.size(), rnd);
        List<String> warnings = new ArrayList<>();
        Landscape.awaitPreload(); // ND4J's start-up must not overlap LibTorch work (see Landscape.awaitPreload)
        Torch.reassertBlasThreads(); // a start-up concurrent with LibTorch's may have put back an older count
        try (PointerScope scanScope = new PointerScope()) {
            ctx.phase(ScanPhase.ENCODE_SHADOW);
            ShadowSplit split = ShadowSplit.encode(ctx, prompts, perm, nTrain);
            split.warnIfConstant(ctx, warnings);

            ctx.phase(ScanPhase.INVERT);
            RuleResult rule;
            TriggerInversion inversion;
            if (cfg.mode() == DecisionMode.ROBUST) {
                RobustScanRule robust = new RobustScanRule(ctx);
                inversion = TriggerInversion.startMany(ctx, rnd, nTrain, robust.startTokens());
                rule = robust.decide(inversion, objective, rnd, split, prompts.size());
            } else {
                inversion = TriggerInversion.start(ctx, rnd, nTrain);
                rule = cfg.mode() == DecisionMode.CALIBRATED
                        ? new CalibratedRule(ctx).decide(inversion, objective, rnd, split)
                        : new ReferenceRule(ctx, judges, landscapes).decide(inversion, objective, rnd, split);
            }
            Tensor e = rule.e() != null ? rule.e() : inversion.e;
            FinalEvidence fin = FinalEvidence.collect(ctx, judges, landscapes, e, split, rule.landscape(), warnings,
                    rule.judged());
            float[] emb = Torch.toFloats(e);
            return new ScanOutcome(rule.verdict(), rule.decision(), inversion.losses(), inversion.steps(),
                    inversion.planned, inversion.runningMean(), rule.stoppedEarly(), rule.checks(), fin.stats(),
                    rule.calibration(), fin.landscape(), emb, fin.target(), (int) split.original.size(1),
                    nTrain, warnings, split.targetPrompt(), new TargetExplanation(ctx, captions).explain(e, split),
                    rule.robust(), (int) e.size(0));
        }
    }

    // The stages' entry points for benchmarks and tests.

    /** Adam over the single leaf {@code e} with the configured learning rate and weight decay. */
    public Adam optimizer(Tensor e) {
        return TriggerInversion.optimizer(ctx, e);
    }

    /** One step of the token objective on the given rows ({@link AmdetObjective#step}). */
    public double step(Tensor e, Adam adam, Tensor ids, Tensor original, int[] rows) {
        return objective.step(e, adam, ids, original, rows);
    }

    /** The suspect's clean outputs of {@code ids}, or null when not finite ({@link ShadowSplit#encodeIds}). */
    public Tensor encodeIds(Tensor ids) {
        return ShadowSplit.encodeIds(ctx, ids, ids.size(1));
    }

    /** The three judges' per-prompt values ({@link ReferenceJudges#judge}). */
    public JudgeValues judge(Tensor e, Tensor hidden, Tensor original) {
        return judges.judge(e, hidden, original);
    }

    /** A reference check's judges with early exit ({@link ReferenceJudges#gate}). */
    public ReferenceJudges.Gate gate(Tensor e, Tensor hidden, ReferenceThresholds th) {
        return judges.gate(e, hidden, th);
    }

    /** The landscape around {@code e} ({@link LandscapeEvidence#around}). */
    public ScanReport.Landscape landscape(Tensor e, Tensor testHidden, Tensor testOriginal, int size,
                                          String context) {
        return landscapes.around(e, testHidden, testOriginal, size, context);
    }

    /** The objective at a block of grid points ({@link LandscapeEvidence#gridValues}). */
    public double[] gridValues(float[] centre, float[] d1, float[] d2, double[] a, double[] b, Tensor hp, Tensor op,
                               int kd) {
        return landscapes.gridValues(centre, d1, d2, a, b, hp, op, kd);
    }
}

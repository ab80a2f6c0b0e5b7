package org.amdet.internal.scan;

import org.amdet.ReferenceThresholds;
import org.amdet.ScanPhase;
import org.amdet.ScanReport;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The reference decision rule (the paper's loop): every {@code checkEvery} batches, once the running mean objective
 * is below the gate, the three judges run on the test split; when all pass, the landscape filter runs and a positive
 * ratio above its threshold settles BACKDOORED and ends the inversion. The inversion also skips the rest of an epoch
 * once the running mean falls below the stop loss.
 */
final class ReferenceRule implements TriggerInversion.Monitor {
    private final ScanContext ctx;
    private final ReferenceJudges judges;
    private final LandscapeEvidence landscapes;
    private final ReferenceThresholds th;
    private final List<ScanReport.Check> checks = new ArrayList<>();
    private TriggerInversion inversion;
    private ShadowSplit split;
    private boolean found;
    private boolean stopped;
    private String decision;
    private ScanReport.Landscape landscape;

    ReferenceRule(ScanContext ctx, ReferenceJudges judges, LandscapeEvidence landscapes) {
        this.ctx = ctx;
        this.judges = judges;
        this.landscapes = landscapes;
        this.th = ctx.cfg.thresholds();
    }

    /** Runs the inversion with the token objective under this rule and returns its conclusion. */
    RuleResult decide(TriggerInversion inversion, AmdetObjective objective, SplittableRandom rnd, ShadowSplit split) {
        this.inversion = inversion;
        this.split = split;
        Tensor e = inversion.e;
        inversion.run(rnd, split.nTrain, split.trainIds, rows -> objective.step(e, inversion.adam, split.trainIds,
                split.trainOriginal, rows), this);
        if (decision == null) {
            decision = checks.isEmpty()
                    ? String.format(Locale.ROOT, "reference rule: the running mean objective never "
                    + "fell below the gate %.2f at a check (final %.4f); no backdoor found", th.runningLossGate(),
                    inversion.runningMean())
                    : String.format(Locale.ROOT, "reference rule: %d check(s) ran, none passed all "
                    + "judges and the landscape filter; no backdoor found", checks.size());
        }
        return new RuleResult(found, decision, stopped, checks, null, landscape, null);
    }

    @Override
    public TriggerInversion.Next afterStep(int epoch, int batch, int step, double running) {
        if ((batch + 1) % ctx.cfg.checkEvery() == 0 && running < th.runningLossGate() && !found) {
            check(epoch, step, running);
            if (found) {
                stopped = step < inversion.planned;
                return TriggerInversion.Next.STOP;
            }
        }
        if (running < th.stopLoss()) {
            stopped = true;
            return TriggerInversion.Next.NEXT_EPOCH;
        }
        return TriggerInversion.Next.CONTINUE;
    }

    /** One check: the judges, then, when they pass, the landscape filter. */
    private void check(int epoch, int step, double running) {
        ctx.phase(ScanPhase.CHECK);
        ReferenceJudges.Gate gate = judges.gate(inversion.e, split.testHidden, th);
        double asr = gate.assimilationRatio();
        double same = gate.sameTarget();
        double diff = gate.differentTarget();
        Double pos = null;
        if (gate.passed()) {
            ctx.phase(ScanPhase.LANDSCAPE);
            landscape = landscapes.around(inversion.e, split.testHidden, split.testOriginal, ctx.cfg.landscapeSize(),
                    "check at step " + step);
            pos = landscape.positiveRatio();
            if (pos > th.positiveRatio()) {
                found = true;
                decision = String.format(Locale.ROOT, "reference rule at step %d: "
                                + "assimilation ratio %.3f > %.3f, same-target %.3f > %.3f, "
                                + "different-target %.3f > %.3f, landscape positive ratio %.3f > %.3f",
                        step, asr, th.assimilationRatio(), same, th.sameTargetRatio(), diff,
                        th.differentTargetRatio(), pos, th.positiveRatio());
            }
        }
        ScanReport.Check c = new ScanReport.Check(step, epoch, running, asr, same, diff, pos, found, gate.judged());
        checks.add(c);
        ctx.listener.check(c);
        ctx.phase(ScanPhase.INVERT);
    }
}

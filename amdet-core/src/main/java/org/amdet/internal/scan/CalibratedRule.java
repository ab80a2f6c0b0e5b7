package org.amdet.internal.scan;

import org.amdet.CalibratedThresholds;
import org.amdet.ScanPhase;
import org.amdet.ScanReport;
import org.amdet.internal.torch.Torch;
import org.amdet.internal.torch.TorchLosses;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The calibrated decision rule: after inverting with the token and pooled objective, the suspect–anchor
 * disagreement (1 − cosine) on the test split with the trigger inserted is compared, per channel (token features,
 * pooled output), with the same disagreement on the clean prompts; a channel fires when the median ratio and the
 * share of prompts beyond the clean quantile both reach their thresholds.
 *
 * <p>With {@code earlyStop}, the rule also runs during the inversion: every quarter epoch on a screening quarter of
 * the test split ({@link #screenPrompts}); when it fires there, on the whole test split a sixteenth of an epoch
 * later. When that confirmation fires too the verdict is settled (the suspect has shown an embedding under which it
 * leaves its anchor on nearly every test prompt) and the inversion ends there; otherwise screening resumes.
 */
final class CalibratedRule implements TriggerInversion.Monitor {
    private final ScanContext ctx;
    private TriggerInversion inversion;
    private ShadowSplit split;
    private long placeholder;
    private Clean clean;
    private int checkSteps;
    private int confirmSteps;
    private int screen;
    private int nextCheck;
    private boolean screened;
    private int settledAt = -1;
    private Tested tested;

    CalibratedRule(ScanContext ctx) {
        this.ctx = ctx;
    }

    /** The suspect–anchor disagreement on the clean test prompts (token and pooled); it does not depend on e. */
    record Clean(double[] token, double[] pooled) {
    }

    /**
     * The calibrated rule's evidence and, from the same passes, the three judges' per-prompt values and the
     * per-prompt triggered disagreement of each channel (the robust rule's samples).
     */
    record Tested(ScanReport.Calibration calibration, JudgeValues judged, double[] token, double[] pooled) {
        boolean fires() {
            return calibration.token().fires() || calibration.pooled().fires();
        }
    }

    /** Runs the inversion with the token and pooled objective under this rule and returns its conclusion. */
    RuleResult decide(TriggerInversion inversion, AmdetObjective objective, SplittableRandom rnd, ShadowSplit split) {
        this.inversion = inversion;
        this.split = split;
        Tensor e = inversion.e;
        placeholder = placeholder(split);
        Tensor trainPooled = pooledClean(ctx, split).narrow(0, 0, split.nTrain);
        checkSteps = Math.max(1, inversion.batches / 4);
        confirmSteps = Math.max(1, inversion.batches / 16);
        screen = screenPrompts(split.nTest);
        clean = clean(split.testHidden, split.testOriginal, split.testIds);
        nextCheck = checkSteps;
        inversion.run(rnd, split.nTrain, split.trainIds, rows -> objective.pooledStep(e, inversion.adam,
                split.trainOriginal, split.trainIds, trainPooled, rows, placeholder), this);
        ctx.phase(ScanPhase.CHECK);
        if (tested == null) {
            tested = calibration(e, split.testHidden, split.testOriginal, split.testIds, placeholder, clean);
        }
        ScanReport.Calibration cal = tested.calibration();
        boolean backdoor = tested.fires();
        return new RuleResult(backdoor, decision(cal, backdoor), settledAt >= 0, List.of(), cal, null,
                tested.judged());
    }

    @Override
    public TriggerInversion.Next afterStep(int epoch, int batch, int step, double running) {
        if (!ctx.cfg.earlyStop() || step != nextCheck || step >= inversion.planned) {
            return TriggerInversion.Next.CONTINUE;
        }
        ctx.phase(ScanPhase.CHECK);
        Tensor e = inversion.e;
        if (!screened) {
            screened = calibration(e, split.testHidden.narrow(0, 0, screen), split.testOriginal.narrow(0, 0, screen),
                    split.testIds.narrow(0, 0, screen), placeholder, clean).fires();
            nextCheck = step + (screened ? confirmSteps : checkSteps);
        } else {
            tested = calibration(e, split.testHidden, split.testOriginal, split.testIds, placeholder, clean);
            if (tested.fires()) {
                settledAt = step;
                return TriggerInversion.Next.STOP;
            }
            tested = null;
            screened = false;
            nextCheck = step + checkSteps;
        }
        ctx.phase(ScanPhase.INVERT);
        return TriggerInversion.Next.CONTINUE;
    }

    private String decision(ScanReport.Calibration cal, boolean backdoor) {
        String settled = settledAt < 0 ? "" : String.format(Locale.ROOT, "; settled at step %d of %d "
                + "(the rule fired on %d of the test prompts at step %d, then on all of them)", settledAt,
                inversion.planned, screen, settledAt - confirmSteps);
        CalibratedThresholds ct = ctx.cfg.calibrated();
        ScanReport.Channel firing = cal.token().fires() ? cal.token() : cal.pooled();
        return backdoor
                ? String.format(Locale.ROOT, "calibrated rule: under the inverted trigger the suspect "
                        + "disagrees with its anchor %.1f× more than on clean prompts (%s channel; %.0f%% of test "
                        + "prompts beyond the clean %.0fth percentile)", firing.ratio(),
                        cal.token().fires() ? "token" : "pooled", 100 * firing.exceedShare(),
                        100 * ct.cleanQuantile()) + settled
                : String.format(Locale.ROOT, "calibrated rule: the inverted trigger raises the suspect's "
                        + "disagreement with its anchor only %.1f× (token) and %.1f× (pooled) over clean prompts, "
                        + "below %.1f×; no backdoor found", cal.token().ratio(), cal.pooled().ratio(), ct.ratio());
    }

    /** The id at the inserted positions of the constructed sequences: the first token of the shadow set (BOS). */
    static long placeholder(ShadowSplit split) {
        return Torch.toLongs(split.ids.narrow(0, 0, 1).narrow(1, 0, 1))[0];
    }

    /** The suspect's clean pooled outputs of every shadow prompt [n, P], float32, in the caller's scope. */
    static Tensor pooledClean(ScanContext ctx, ShadowSplit split) {
        try (NoGradGuard g = new NoGradGuard()) {
            return Scopes.keep(() -> ctx.suspect.pool(split.original, split.ids).to(ScalarType.Float));
        }
    }

    /**
     * Test prompts of the early stop's screening checks: a quarter of the test split, but all of a split of fewer
     * than 40 prompts (a smaller sample says too little).
     */
    static int screenPrompts(int nTest) {
        return nTest < 40 ? nTest : nTest / 4;
    }

    /**
     * The clean disagreement per channel on the test prompts, two chunks side by side: the anchor run on the
     * suspect's embedding-layer outputs {@code hidden} (the reference of the inversion starts).
     */
    Clean clean(Tensor hidden, Tensor original, Tensor ids) {
        return clean(original, ids, (s, len) -> hidden.narrow(0, s, len));
    }

    /**
     * The clean disagreement per channel when each model embeds the prompts {@code ids} with its own embedding layer
     * (the reference of the token start); {@code original} is the suspect's clean output of them.
     */
    Clean cleanOwnEmbeddings(Tensor original, Tensor ids) {
        return clean(original, ids, (s, len) -> ctx.anchor.embed(ids.narrow(0, s, len)));
    }

    /** The clean disagreement of the suspect's outputs {@code original} and the anchor's of its inputs per chunk. */
    private Clean clean(Tensor original, Tensor ids, ScanContext.ChunkWork anchorInput) {
        int n = (int) ids.size(0);
        double[] tok = new double[n];
        double[] pool = new double[n];
        try (NoGradGuard g = new NoGradGuard(); PointerScope outer = new PointerScope()) {
            ctx.chunks(n, (s, len) -> {
                Tensor ib = ids.narrow(0, s, len);
                Tensor so = original.narrow(0, s, len);
                Tensor ao = ctx.anchorOut(anchorInput.apply(s, len));
                return torch.stack(new TensorVector(TorchLosses.meanTokenCosine(ao.to(ScalarType.Float),
                        so.to(ScalarType.Float)), TorchLosses.rowCosine(ctx.anchor.pool(ao, ib).to(ScalarType.Float),
                        ctx.suspect.pool(so, ib).to(ScalarType.Float))), 0);
            }, (s, cosines) -> {
                ScanContext.copyOneMinus(cosines.select(0, 0), tok, (int) s);
                ScanContext.copyOneMinus(cosines.select(0, 1), pool, (int) s);
                return true;
            });
        }
        return new Clean(tok, pool);
    }

    /** Triggered suspect–anchor disagreement on the test split per channel, against the clean one; the rule applied. */
    Tested calibration(Tensor e, Tensor hidden, Tensor original, Tensor ids, long placeholder, Clean clean) {
        return calibration(Triggered.embedding(e, hidden, ids, placeholder), original, clean);
    }

    /**
     * The inputs of one chunk of triggered prompts: the suspect's and the anchor's embedding-layer inputs and the ids
     * the pooling reads.
     */
    record Inputs(Tensor suspect, Tensor anchor, Tensor ids) {
    }

    /** How the triggered prompts of rows [start, start + len) are built. */
    interface Triggered {
        /** The inputs of rows [start, start + len). */
        Inputs chunk(ScanContext ctx, int start, int len);

        /** The pseudo-trigger e inserted after the first position of the shared embedding-layer outputs. */
        static Triggered embedding(Tensor e, Tensor hidden, Tensor ids, long placeholder) {
            return (ctx, start, len) -> {
                Tensor x = Sequences.insert(hidden.narrow(0, start, len), e);
                return new Inputs(x, x, Sequences.insertIds(ids.narrow(0, start, len), e.size(0), placeholder));
            };
        }

        /**
         * The token {@code token} inserted after the first position of the ids, each model embedding them with its
         * own embedding layer (a trigger may live in the suspect's embedding row as much as in its layers).
         */
        static Triggered token(long token, Tensor ids) {
            return (ctx, start, len) -> {
                Tensor iv = Sequences.insertIds(ids.narrow(0, start, len), 1, token);
                return new Inputs(ctx.suspect.embed(iv), ctx.anchor.embed(iv), iv);
            };
        }
    }

    /**
     * {@link #calibration(Tensor, Tensor, Tensor, Tensor, long, Clean)} on triggered prompts built by {@code in}, one
     * per row of the suspect's clean outputs {@code original}.
     */
    Tested calibration(Triggered in, Tensor original, Clean clean) {
        int n = (int) original.size(0);
        double[] poolTrig = new double[n];
        JudgeValues judged = JudgeValues.of(n);
        double consS;
        double consA;
        try (NoGradGuard g = new NoGradGuard(); PointerScope outer = new PointerScope()) {
            Tensor first = Scopes.keep(() -> ctx.suspectOut(in.chunk(ctx, 0, 1).suspect()).to(ScalarType.Float));
            List<Tensor> ps = new ArrayList<>();
            List<Tensor> pa = new ArrayList<>();
            for (int s = 0; s < n; s += ctx.cfg.forwardBatch()) {
                ctx.cancelIfInterrupted("the judge checks");
                int len = Math.min(ctx.cfg.forwardBatch(), n - s);
                int start = s;
                Tensor[] kept = new Tensor[2];
                try (PointerScope chunk = new PointerScope()) {
                    Inputs x = in.chunk(ctx, start, len);
                    Tensor[] both = ctx.both(x.suspect(), x.anchor());
                    Tensor fs = both[0];
                    Tensor fa = both[1];
                    judged.fill(start, fs, fa, first, original.narrow(0, start, len));
                    Tensor pts = ctx.suspect.pool(fs, x.ids()).to(ScalarType.Float);
                    Tensor pta = ctx.anchor.pool(fa, x.ids()).to(ScalarType.Float);
                    ScanContext.copyOneMinus(TorchLosses.rowCosine(pta, pts), poolTrig, start);
                    kept[0] = pts;
                    kept[1] = pta;
                    kept[0].retainReference();
                    kept[1].retainReference();
                }
                outer.attach(kept[0]);
                outer.attach(kept[1]);
                kept[0].releaseReference();
                kept[1].releaseReference();
                ps.add(kept[0]);
                pa.add(kept[1]);
            }
            consS = Torch.item(TorchLosses.pairwiseCosineMean(torch.cat(new TensorVector(ps.toArray(new Tensor[0])),
                    0)));
            consA = Torch.item(TorchLosses.pairwiseCosineMean(torch.cat(new TensorVector(pa.toArray(new Tensor[0])),
                    0)));
        }
        CalibratedThresholds ct = ctx.cfg.calibrated();
        double[] tokTrig = new double[n];
        for (int i = 0; i < n; i++) {
            tokTrig[i] = 1.0 - judged.cosAnchor()[i];
        }
        return new Tested(new ScanReport.Calibration(channel("token", tokTrig, clean.token(), ct), channel("pooled",
                poolTrig, clean.pooled(), ct), consS, consA, ct), judged, tokTrig, poolTrig);
    }

    /** One channel of the rule: triggered against clean disagreement; fires when ratio and exceed share both reach. */
    static ScanReport.Channel channel(String name, double[] trig, double[] clean, CalibratedThresholds ct) {
        double mt = quantile(trig, 0.5);
        double mc = quantile(clean, 0.5);
        double q = quantile(clean, ct.cleanQuantile());
        int beyond = 0;
        for (double v : trig) {
            if (v > q) {
                beyond++;
            }
        }
        double ratio = mt / Math.max(mc, 1e-6);
        double share = (double) beyond / trig.length;
        return new ScanReport.Channel(name, mt, mc, q, ratio, share, ratio >= ct.ratio() && share >= ct.exceedShare());
    }

    /** The q-quantile by linear interpolation between order statistics (numpy's default). */
    static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }
}

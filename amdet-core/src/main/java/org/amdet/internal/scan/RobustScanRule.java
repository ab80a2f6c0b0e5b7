package org.amdet.internal.scan;

import org.amdet.ScanPhase;
import org.amdet.ScanReport;
import org.amdet.Verdict;
import org.amdet.internal.decision.ChannelTest;
import org.amdet.internal.decision.Decision;
import org.amdet.internal.decision.Inconclusive;
import org.amdet.internal.decision.MultiStart;
import org.amdet.internal.decision.Outcome;
import org.amdet.internal.decision.Preconditions;
import org.amdet.internal.decision.RobustRule;
import org.amdet.internal.decision.StartEvidence;
import org.amdet.internal.torch.Torch;
import org.amdet.spi.TrainableTextEncoder;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The robust decision rule on a scan (see {@code docs/decision-rule.md}): several inversion starts run together
 * ({@link AmdetObjective#multiPooledStep}); each start's per-prompt suspect–anchor disagreement with its trigger is
 * paired with the clean disagreement of the same prompt and tested with {@link RobustRule}'s sign test with a margin;
 * {@link MultiStart} holds every (start, channel, look) test to α over their number.
 *
 * <p>The test split is cut in two. Its first quarter <i>screens</i> during the inversion (every quarter epoch: does a
 * start's test reject at α on these prompts?); those looks choose only when to confirm and are not part of the
 * decision. The other three quarters <i>decide</i>: at a confirmation (a sixteenth of an epoch after a screen fired,
 * at most {@value #CONFIRMATIONS} times) and at the end. Both kinds of decisive look count in the Bonferroni family,
 * so stopping at the first confirmation that rejects keeps the family-wise level. Without early stop, or with fewer
 * than 40 test prompts, every test prompt decides at the single final look.
 */
final class RobustScanRule implements TriggerInversion.Monitor {
    /** Confirmations an early stop may spend before the final look. */
    static final int CONFIRMATIONS = 2;

    private final ScanContext ctx;
    private final CalibratedRule measure;
    private final RobustRule rule;
    private final int[] ks;
    private TriggerInversion inversion;
    private ShadowSplit split;
    private long placeholder;
    private CalibratedRule.Clean clean;
    private int screen;
    private int looks;
    private int confirmationsLeft;
    private int checkSteps;
    private int confirmSteps;
    private int nextCheck;
    private boolean screened;
    private int settledAt = -1;
    private boolean pooledUsable = true;
    private List<Inconclusive> preconditions = List.of();
    private final List<ScanReport.Look> history = new ArrayList<>();
    private Look decided;
    /** The token start, or null when off or when the vocabulary offered no candidate. */
    private VocabularyProbe.Probe probe;
    /** The token start's clean reference: each model embedding the test prompts with its own embedding layer. */
    private CalibratedRule.Clean probeClean;

    /** What a decisive look measured: every start's evidence on the whole test split and the decision. */
    private record Look(List<CalibratedRule.Tested> tested, Decision decision) {
    }

    RobustScanRule(ScanContext ctx) {
        this.ctx = ctx;
        this.measure = new CalibratedRule(ctx);
        this.rule = new RobustRule(ctx.cfg.calibrated().ratio(), ctx.cfg.alpha(), RobustRule.defaults().creditCap());
        this.ks = TriggerInversion.startTokens(ctx.cfg.tokens(), ctx.cfg.starts(), ctx.cfg.mixedTokens());
    }

    /** The k of every start. */
    int[] startTokens() {
        return ks.clone();
    }

    /** Runs the multi-start inversion under this rule and returns its conclusion. */
    RuleResult decide(TriggerInversion inversion, AmdetObjective objective, SplittableRandom rnd, ShadowSplit split,
                      int shadowPrompts) {
        this.inversion = inversion;
        this.split = split;
        placeholder = CalibratedRule.placeholder(split);
        Tensor pooledClean = CalibratedRule.pooledClean(ctx, split);
        Tensor trainPooled = pooledClean.narrow(0, 0, split.nTrain);
        pooledUsable = pooledUsable(pooledClean.narrow(0, split.nTrain, split.nTest));
        boolean early = ctx.cfg.earlyStop() && split.nTest >= 40;
        screen = early ? split.nTest / 4 : 0;
        confirmationsLeft = early ? CONFIRMATIONS : 0;
        looks = 1 + confirmationsLeft + (ctx.cfg.extendEpochs() > 0 ? 1 : 0);
        checkSteps = Math.max(1, inversion.batches / 4);
        confirmSteps = Math.max(1, inversion.batches / 16);
        nextCheck = checkSteps;
        clean = measure.clean(split.testHidden, split.testOriginal, split.testIds);
        if (ctx.cfg.tokenProbe()) {
            probe = new VocabularyProbe(ctx, split, placeholder, pooledUsable).find();
            if (probe != null) {
                probeClean = measure.cleanOwnEmbeddings(split.testOriginal, split.testIds);
            }
        }
        int channels = pooledUsable ? 2 : 1;
        preconditions = new ArrayList<>(Preconditions.check(rule, new Preconditions.Facts(shadowPrompts,
                ctx.cfg.trainFraction(), ctx.cfg.epochs(), starts().size() * channels * looks, identicalWeights(), -1,
                true), split.nTest - screen));
        if (!pooledUsable) {
            preconditions.add(new Inconclusive(Inconclusive.Reason.POOLED_CHANNEL_UNAVAILABLE, "the suspect's "
                    + "pooled output is the same for every test prompt (an empty projection, or pooling at a position "
                    + "the tokenizer never fills), so text-on-pair backdoors cannot be seen; only the token channel "
                    + "was tested"));
        }
        TriggerInversion.Step step = rows -> mean(objective.multiPooledStep(inversion.es, inversion.adam,
                split.trainOriginal, split.trainIds, trainPooled, rows, placeholder));
        inversion.run(rnd, split.nTrain, split.trainIds, step, this);
        ctx.phase(ScanPhase.CHECK);
        if (decided == null && ctx.cfg.extendEpochs() > 0) {
            Look l = look();
            boolean suggestive = suggestive(l.decision());
            history.add(new ScanReport.Look(inversion.steps(), suggestive ? "extend" : "final",
                    split.nTest - screen, l.decision().outcome() == Outcome.BACKDOORED));
            if (suggestive) {
                ctx.phase(ScanPhase.INVERT);
                screened = false;
                nextCheck = confirmationsLeft > 0 ? inversion.steps() + checkSteps : Integer.MAX_VALUE;
                inversion.extend(ctx.cfg.extendEpochs(), rnd, split.nTrain, split.trainIds, step, this);
                ctx.phase(ScanPhase.CHECK);
            } else {
                decided = l;
            }
        }
        if (decided == null) {
            decided = look();
            history.add(new ScanReport.Look(inversion.steps(), "final", split.nTest - screen,
                    decided.decision().outcome() == Outcome.BACKDOORED));
        }
        Decision d = decided.decision();
        int best = deciding(d);
        CalibratedRule.Tested t = decided.tested().get(best);
        List<Tensor> all = starts();
        Verdict v = switch (d.outcome()) {
            case BACKDOORED -> Verdict.BACKDOORED;
            case CLEAN -> Verdict.CLEAN;
            case INCONCLUSIVE -> Verdict.INCONCLUSIVE;
        };
        String settled = settledAt < 0 ? "" : String.format(java.util.Locale.ROOT, "; settled at step %d of %d",
                settledAt, inversion.planned);
        return new RuleResult(v, d.text() + settled, settledAt >= 0, List.of(),
                t.calibration(), null, t.judged(), report(d), all.get(best));
    }

    @Override
    public TriggerInversion.Next afterStep(int epoch, int batch, int step, double running) {
        if (screen == 0 || step != nextCheck || step >= inversion.planned) {
            return TriggerInversion.Next.CONTINUE;
        }
        ctx.phase(ScanPhase.CHECK);
        if (!screened) {
            screened = screens();
            history.add(new ScanReport.Look(step, "screen", screen, screened));
            nextCheck = step + (screened ? confirmSteps : checkSteps);
        } else {
            Look l = look();
            confirmationsLeft--;
            boolean fired = l.decision().outcome() == Outcome.BACKDOORED;
            history.add(new ScanReport.Look(step, "confirm", split.nTest - screen, fired));
            if (fired) {
                decided = l;
                settledAt = step;
                return TriggerInversion.Next.STOP;
            }
            screened = false;
            nextCheck = confirmationsLeft > 0 ? step + checkSteps : Integer.MAX_VALUE;
        }
        ctx.phase(ScanPhase.INVERT);
        return TriggerInversion.Next.CONTINUE;
    }

    /**
     * Whether {@code d} is INCONCLUSIVE only because the evidence is suggestive but not yet significant (borderline,
     * or starts that disagree): then more inversion may settle it.
     */
    static boolean suggestive(Decision d) {
        return d.outcome() == Outcome.INCONCLUSIVE && !d.reasons().isEmpty()
                && d.reasons().stream().allMatch(r -> r.reason() == Inconclusive.Reason.BORDERLINE_EVIDENCE
                        || r.reason() == Inconclusive.Reason.STARTS_DISAGREE);
    }

    /** Whether a start's test rejects at α on the screening prompts (a cue to confirm; not part of the decision). */
    private boolean screens() {
        for (int r = 0; r < starts().size(); r++) {
            CalibratedRule.Clean c = cleanOf(r);
            CalibratedRule.Clean screenClean = new CalibratedRule.Clean(Arrays.copyOf(c.token(), screen),
                    Arrays.copyOf(c.pooled(), screen));
            CalibratedRule.Tested t = measure.calibration(triggered(r, 0, screen),
                    split.testOriginal.narrow(0, 0, screen), screenClean);
            if (rule.test("token", t.token(), screenClean.token(), rule.alpha()).rejects()
                    || pooledUsable && rule.test("pooled", t.pooled(), screenClean.pooled(), rule.alpha()).rejects()) {
                return true;
            }
        }
        return false;
    }

    /** The clean reference of start {@code r}: shared embeddings for inversion starts, own ones for the token start. */
    private CalibratedRule.Clean cleanOf(int r) {
        return r < ks.length ? clean : probeClean;
    }

    /** The triggered test prompts [from, from + n) of start {@code r}. */
    private CalibratedRule.Triggered triggered(int r, int from, int n) {
        return r < ks.length
                ? CalibratedRule.Triggered.embedding(inversion.es.get(r), split.testHidden.narrow(0, from, n),
                        split.testIds.narrow(0, from, n), placeholder)
                : CalibratedRule.Triggered.token(probe.id(), split.testIds.narrow(0, from, n));
    }

    /** A decisive look: every start on the whole test split, decided on the evaluation rows. */
    private Look look() {
        List<CalibratedRule.Tested> tested = new ArrayList<>();
        List<StartEvidence> starts = new ArrayList<>();
        int n = split.nTest;
        for (int r = 0; r < starts().size(); r++) {
            CalibratedRule.Clean c = cleanOf(r);
            CalibratedRule.Tested t = measure.calibration(triggered(r, 0, n), split.testOriginal, c);
            tested.add(t);
            List<StartEvidence.Samples> ch = new ArrayList<>();
            ch.add(new StartEvidence.Samples("token", Arrays.copyOfRange(t.token(), screen, n),
                    Arrays.copyOfRange(c.token(), screen, n)));
            if (pooledUsable) {
                ch.add(new StartEvidence.Samples("pooled", Arrays.copyOfRange(t.pooled(), screen, n),
                        Arrays.copyOfRange(c.pooled(), screen, n)));
            }
            starts.add(new StartEvidence(label(r), r < ks.length ? ks[r] : 1, ctx.cfg.seed(), ch));
        }
        return new Look(tested, new MultiStart(rule).decide(starts, preconditions, looks));
    }

    /** Every start's pseudo-trigger: the inversion's, then the token start's. */
    private List<Tensor> starts() {
        if (probe == null) {
            return inversion.es;
        }
        List<Tensor> all = new ArrayList<>(inversion.es);
        all.add(probe.e());
        return all;
    }

    private String label(int r) {
        return r < ks.length ? "start " + (r + 1) + " (k=" + ks[r] + ")"
                : "start " + (r + 1) + " (token '" + probe.text() + "')";
    }

    /** The start that decided (or came closest), by its label in {@code d}; the first start when none. */
    private int deciding(Decision d) {
        if (d.decidedBy() != null) {
            for (int r = 0; r < starts().size(); r++) {
                if (d.decidedBy().startsWith(label(r) + " / ")) {
                    return r;
                }
            }
        }
        return 0;
    }

    private ScanReport.Robust report(Decision d) {
        List<ScanReport.Start> starts = new ArrayList<>();
        for (Decision.StartResult s : d.starts()) {
            List<ScanReport.ChannelTest> cs = new ArrayList<>();
            for (int i = 0; i < s.tests().size(); i++) {
                ChannelTest t = s.tests().get(i);
                cs.add(new ScanReport.ChannelTest(t.channel(), t.n(), t.positives(), finite(t.pValue()), t.level(),
                        t.rejects(), s.holm().get(i), finite(t.medianRatio()), finite(t.ratioLowerBound()),
                        finite(t.groupRatio()), t.reference() == null ? null : finite(t.reference().cleanMedian()),
                        t.reference() == null ? 0 : t.reference().credited(), t.creditWithheld(),
                        t.inconclusive() == null ? null : t.inconclusive().text(), t.text()));
            }
            starts.add(new ScanReport.Start(s.label(), s.tokens(), s.seed(), s.firesAlone(), cs));
        }
        List<ScanReport.Reason> reasons = d.reasons().stream()
                .map(r -> new ScanReport.Reason(r.reason().title(), r.detail())).toList();
        return new ScanReport.Robust(d.test(), d.decidedBy(), finite(d.pValue()), d.alpha(), d.level(), d.tests(),
                looks, d.correction(), starts, reasons, history);
    }

    /** Whether the suspect's pooled outputs differ between test prompts (else the channel cannot carry a signal). */
    private static boolean pooledUsable(Tensor pooled) {
        if (pooled.size(0) < 2 || pooled.size(1) == 0) {
            return false;
        }
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            Tensor first = pooled.narrow(0, 0, 1).expand(pooled.size(0), pooled.size(1));
            return Torch.item(pooled.sub(first).abs().max()) > 1e-6;
        }
    }

    /**
     * Whether every weight of the suspect equals the anchor's: by the loaded tensors when both expose them, else by
     * the SHA-256 of the files both were loaded from (when hashed).
     */
    private boolean identicalWeights() {
        if (ctx.suspect == ctx.anchor) {
            return true;
        }
        if (ctx.suspect instanceof TrainableTextEncoder s && ctx.anchor instanceof TrainableTextEncoder a) {
            Map<String, Tensor> ws = s.weights();
            Map<String, Tensor> wa = a.weights();
            if (!ws.keySet().equals(wa.keySet())) {
                return false;
            }
            try (NoGradGuard g = new NoGradGuard(); PointerScope scope = new PointerScope()) {
                for (Map.Entry<String, Tensor> w : ws.entrySet()) {
                    Tensor x = w.getValue();
                    Tensor y = wa.get(w.getKey());
                    if (!Arrays.equals(Torch.shape(x), Torch.shape(y))
                            || !torch.equal(x.to(ScalarType.Float), y.to(ScalarType.Float))) {
                        return false;
                    }
                }
            }
            return true;
        }
        Map<String, String> hs = ctx.suspect.info().fileSha256();
        return !hs.isEmpty() && Objects.equals(hs, ctx.anchor.info().fileSha256());
    }

    /** {@code v}, or null when NaN or infinite (JSON has neither). */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}

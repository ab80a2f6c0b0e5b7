package org.amdet.internal.scan;

import org.amdet.DetectorConfig;
import org.amdet.ReferenceThresholds;
import org.amdet.ScanCancelledException;
import org.amdet.ScanException;
import org.amdet.ScanListener;
import org.amdet.ScanPhase;
import org.amdet.ScanReport;
import org.amdet.internal.torch.Torch;
import org.amdet.internal.torch.TorchLosses;
import org.amdet.internal.torch.TorchTextEncoder;
import org.amdet.landscape.Landscape;
import org.amdet.landscape.LandscapeConfig;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One AMDET scan on LibTorch: pre-encoding of the shadow set, inversion of the pseudo-trigger with Adam, batched
 * judges, the landscape filter, and the evidence on the final embedding. The decision follows the reference loop.
 * All tensors live in a scan-wide {@link PointerScope}; every optimisation step, judge chunk and landscape block in
 * its own nested scope, so native memory stays flat however long the scan runs.
 */
public final class ScanEngine {
    private final DetectorConfig cfg;
    private final TorchTextEncoder suspect;
    private final TorchTextEncoder anchor;
    private final ScanListener listener;
    private final ScanClock clock;
    private final boolean sideBySide;
    private List<String> captions = List.of();

    /** What a finished inversion hands to the report. */
    public record Outcome(boolean backdoor, String decision, double[] losses, int steps, int plannedSteps,
                          double runningMean, boolean stoppedEarly, List<ScanReport.Check> checks,
                          ScanReport.TestStats test, ScanReport.Calibration calibration,
                          ScanReport.Landscape landscape, float[] embedding,
                          float[] targetFeature, int targetLength, int trainPrompts, List<String> warnings,
                          String targetPrompt, ScanReport.Explanation explanation) {
    }

    public ScanEngine(DetectorConfig cfg, TorchTextEncoder suspect, TorchTextEncoder anchor, ScanListener listener,
                      ScanClock clock) {
        this.cfg = cfg;
        this.suspect = suspect;
        this.anchor = anchor;
        this.listener = listener;
        this.clock = clock;
        this.sideBySide = Parallel.concurrent(suspect.device());
    }

    /**
     * {@code ids} cut to the exact prefix of both encoders plus the inserted vectors when the calibrated mode trims
     * sequences and the cut is shorter; otherwise {@code ids} itself.
     */
    private Tensor trimmed(Tensor ids) {
        if (cfg.mode() != org.amdet.DecisionMode.CALIBRATED || !cfg.trimSequences()) {
            return ids;
        }
        long cut = Math.min(ids.size(1), Math.max(suspect.exactPrefixLength(ids), anchor.exactPrefixLength(ids))
                + cfg.tokens());
        return cut < ids.size(1) ? Scopes.keep(() -> ids.narrow(1, 0, cut).contiguous()) : ids;
    }

    /** Ranks the prompts of {@code bank} instead of the shadow set in the explanation (empty: the shadow set). */
    public ScanEngine captions(List<String> bank) {
        this.captions = List.copyOf(bank);
        return this;
    }

    /** Per-sample judge values on a set of prompts. */
    public record Judged(double[] assimilation, double[] cosFirst, double[] cosAnchor, double[] deviation) {
        static Judged of(int n) {
            return new Judged(new double[n], new double[n], new double[n], new double[n]);
        }

        /**
         * Writes the judge values of a chunk of prompts from row {@code at} on: the suspect's features {@code f} and
         * the anchor's {@code fa} with e inserted, the first prompt's feature {@code first} (float32) and the
         * suspect's clean outputs {@code original}.
         */
        void fill(int at, Tensor f, Tensor fa, Tensor first, Tensor original) {
            Tensor f32 = f.to(ScalarType.Float);
            copy(TorchLosses.assimilationPerSample(f32), assimilation, at);
            copy(TorchLosses.meanTokenCosine(f32, first.expand(f32.size(0), f32.size(1), f32.size(2))), cosFirst,
                    at);
            copy(TorchLosses.meanTokenCosine(fa.to(ScalarType.Float), f32), cosAnchor, at);
            copy(TorchLosses.meanTokenCosine(original.to(ScalarType.Float), f32), deviation, at);
        }

        public double share(double[] v, double threshold, boolean above, int from) {
            int c = 0;
            for (int i = from; i < v.length; i++) {
                if (above ? v[i] > threshold : v[i] < threshold) {
                    c++;
                }
            }
            return (double) c / v.length;
        }
    }

    /** Runs the scan on {@code prompts} (already limited to the shadow size). */
    public Outcome run(List<String> prompts) {
        int n = prompts.size();
        int nTrain = (int) Math.floor(n * cfg.trainFraction());
        int nTest = n - nTrain;
        if (nTrain < 1 || nTest < 1) {
            throw new ScanException("a shadow set of " + n + " prompts is too small for a " + cfg.trainFraction()
                    + " train split: need at least one train and one test prompt (use at least "
                    + (int) Math.ceil(1 / Math.min(cfg.trainFraction(), 1 - cfg.trainFraction())) + " prompts)");
        }
        SplittableRandom rnd = new SplittableRandom(cfg.seed());
        int[] perm = permutation(n, rnd);
        ReferenceThresholds th = cfg.thresholds();
        List<String> warnings = new ArrayList<>();
        Landscape.awaitPreload(); // ND4J's start-up must not overlap LibTorch work (see Landscape.awaitPreload)
        Torch.reassertBlasThreads(); // a start-up concurrent with LibTorch's may have put back an older count
        try (PointerScope scanScope = new PointerScope()) {
            clock.start(ScanPhase.ENCODE_SHADOW);
            listener.phase(ScanPhase.ENCODE_SHADOW);
            Tensor ids = suspect.idsTensor(prompts);
            Tensor order = Torch.longs(toLongs(perm), n).to(suspect.device(), ScalarType.Long);
            Tensor idsFull = Scopes.keep(() -> ids.index_select(0, order));
            Tensor idsPerm = trimmed(idsFull);
            Tensor targetIds = idsFull.narrow(0, nTrain, 1);
            Tensor original = encodeIds(idsPerm);
            if (original == null) {
                throw new ScanException("the suspect's clean outputs hold NaN or infinite values on "
                        + suspect.info().source() + ": the model is numerically broken; no verdict can be given");
            }
            // train batches are embedded when drawn (a lookup); the test split is reused by every check
            Tensor trainIds = idsPerm.narrow(0, 0, nTrain);
            Tensor trainOriginal = original.narrow(0, 0, nTrain);
            Tensor testHidden = Scopes.keep(() -> embedNoGrad(idsPerm.narrow(0, nTrain, nTest)));
            Tensor testOriginal = original.narrow(0, nTrain, nTest);
            warnIfConstant(testHidden, testOriginal, warnings);

            clock.start(ScanPhase.INVERT);
            listener.phase(ScanPhase.INVERT);
            int d = suspect.info().hiddenSize();
            int k = cfg.tokens();
            float[] init = new float[k * d];
            for (int i = 0; i < init.length; i++) {
                init[i] = (float) gaussian(rnd);
            }
            Tensor e = Torch.floats(init, k, d).to(suspect.device(), ScalarType.Float);
            e.requires_grad_(true);
            Adam adam = optimizer(e);
            if (cfg.mode() == org.amdet.DecisionMode.CALIBRATED) {
                return calibrated(e, adam, rnd, idsPerm, testHidden, original, nTrain, nTest, warnings,
                        prompts.get(perm[nTrain]), new Shadow(prompts, perm, original, targetIds));
            }

            int batches = (nTrain + cfg.batchSize() - 1) / cfg.batchSize();
            int planned = batches * cfg.epochs();
            double[] losses = new double[planned];
            int step = 0;
            double sum = 0;
            boolean found = false;
            boolean stopped = false;
            String decision = null;
            List<ScanReport.Check> checks = new ArrayList<>();
            ScanReport.Landscape landscape = null;
            outer:
            for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
                int[] batchOrder = permutation(nTrain, rnd);
                for (int bi = 0; bi < batches; bi++) {
                    cancelIfInterrupted(step);
                    double loss = finite(step(e, adam, trainIds, trainOriginal, batch(batchOrder, bi, nTrain)),
                            step, e, trainIds);
                    losses[step] = loss;
                    step++;
                    sum += loss;
                    double running = sum / step;
                    listener.step(epoch, step, planned, loss, running);
                    if ((bi + 1) % cfg.checkEvery() == 0 && running < th.runningLossGate() && !found) {
                        clock.start(ScanPhase.CHECK);
                        listener.phase(ScanPhase.CHECK);
                        Gate gate = gate(e, testHidden, th);
                        double asr = gate.assimilationRatio();
                        double same = gate.sameTarget();
                        double diff = gate.differentTarget();
                        Double pos = null;
                        if (gate.passed()) {
                            clock.start(ScanPhase.LANDSCAPE);
                            listener.phase(ScanPhase.LANDSCAPE);
                            landscape = landscape(e, testHidden, testOriginal, cfg.landscapeSize(),
                                    "check at step " + step);
                            pos = landscape.positiveRatio();
                            if (pos > th.positiveRatio()) {
                                found = true;
                                decision = String.format(java.util.Locale.ROOT, "reference rule at step %d: "
                                                + "assimilation ratio %.3f > %.3f, same-target %.3f > %.3f, "
                                                + "different-target %.3f > %.3f, landscape positive ratio %.3f > %.3f",
                                        step, asr, th.assimilationRatio(), same, th.sameTargetRatio(), diff,
                                        th.differentTargetRatio(), pos, th.positiveRatio());
                            }
                        }
                        ScanReport.Check c = new ScanReport.Check(step, epoch, running, asr, same, diff, pos, found,
                                gate.judged());
                        checks.add(c);
                        listener.check(c);
                        clock.start(ScanPhase.INVERT);
                        listener.phase(ScanPhase.INVERT);
                        if (found) {
                            stopped = step < planned;
                            break outer;
                        }
                    }
                    if (running < th.stopLoss()) {
                        stopped = true;
                        break;
                    }
                }
            }
            Final fin = finalEvidence(e, testHidden, testOriginal, landscape, warnings, null);
            landscape = fin.landscape();
            ScanReport.TestStats stats = fin.stats();
            float[] target = fin.target();
            float[] emb = Torch.toFloats(e);
            if (decision == null) {
                decision = checks.isEmpty()
                        ? String.format(java.util.Locale.ROOT, "reference rule: the running mean objective never "
                        + "fell below the gate %.2f at a check (final %.4f); no backdoor found", th.runningLossGate(),
                        sum / Math.max(1, step))
                        : String.format(java.util.Locale.ROOT, "reference rule: %d check(s) ran, none passed all "
                        + "judges and the landscape filter; no backdoor found", checks.size());
            }
            return new Outcome(found, decision, java.util.Arrays.copyOf(losses, step), step, planned,
                    sum / Math.max(1, step), stopped, checks, stats, null, landscape, emb, target,
                    (int) testHidden.size(1), nTrain, warnings, prompts.get(perm[nTrain]),
                    explain(e, new Shadow(prompts, perm, original, targetIds)));
        }
    }

    /**
     * The shadow set as the explanation sees it: the prompts, the scan's permutation, the suspect's clean outputs
     * in permuted order (possibly cut to fewer positions) and the full-length ids of the target prompt.
     */
    public record Shadow(List<String> prompts, int[] perm, Tensor original, Tensor targetIds) {
    }

    /**
     * The explanation of the reversed target: the 5 candidate prompts (the caption bank, else the shadow set) whose
     * clean suspect outputs are closest to the target feature (mean token cosine over the positions up to the longest
     * candidate), and the vocabulary tokens closest to the inverted embedding. With the shadow set as candidates the
     * clean outputs the scan already holds are reused.
     */
    public ScanReport.Explanation explain(Tensor e, Shadow shadow) {
        int top = 5;
        boolean bank = !captions.isEmpty();
        List<String> candidates = bank ? captions : shadow.prompts();
        List<ScanReport.Match> prompts = new ArrayList<>();
        List<ScanReport.Match> tokens = new ArrayList<>();
        try (NoGradGuard g = new NoGradGuard(); PointerScope outer = new PointerScope()) {
            double[] scores = new double[candidates.size()];
            if (!bank) {
                Tensor original = shadow.original();
                long len = original.size(1);
                rank(explainTarget(e, shadow.targetIds(), len), (s, rows) -> original.narrow(0, s, rows), shadow.perm(),
                        scores);
            } else {
                Tensor bankIds = Scopes.keep(() -> suspect.idsTensor(captions));
                long len = Math.min(bankIds.size(1), Math.max(suspect.exactPrefixLength(bankIds),
                        suspect.exactPrefixLength(shadow.targetIds()) + cfg.tokens()));
                rank(explainTarget(e, shadow.targetIds(), len), (s, rows) -> suspect.transform(suspect.embed(
                        bankIds.narrow(0, s, rows).narrow(1, 0, len))), null, scores);
            }
            for (int i : topIndices(scores, top)) {
                prompts.add(new ScanReport.Match(candidates.get(i), scores[i]));
            }
            Tensor w = suspect.tokenEmbeddingWeight().to(ScalarType.Float);
            Tensor ev = e.detach().narrow(0, 0, 1).to(ScalarType.Float);
            float[] cos = Torch.toFloats(TorchLosses.rowCosine(w, ev.expand(w.size(0), w.size(1))));
            double[] c = new double[cos.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = cos[i];
            }
            for (int i : topIndices(c, top)) {
                tokens.add(new ScanReport.Match(suspect.tokenText(i), c[i]));
            }
        }
        return new ScanReport.Explanation(bank ? "caption bank" : "shadow set", prompts, tokens);
    }

    /** The suspect's float32 feature of the target prompt cut to {@code len} positions, with e inserted. */
    private Tensor explainTarget(Tensor e, Tensor targetIds, long len) {
        return Scopes.keep(() -> suspect.transform(Sequences.insert(suspect.embed(targetIds.narrow(1, 0, len)), e))
                .to(ScalarType.Float));
    }

    /**
     * Mean token cosine between {@code target} and every candidate's clean feature, {@code forwardBatch} candidates
     * at a time ({@code features} gives rows [s, s + rows)); row r's score goes to {@code scores[index[r]]}, or
     * {@code scores[r]} when {@code index} is null.
     */
    private void rank(Tensor target, java.util.function.BiFunction<Integer, Integer, Tensor> features, int[] index,
                      double[] scores) {
        for (int s = 0; s < scores.length; s += cfg.forwardBatch()) {
            cancelIfInterrupted("the explanation");
            int rows = Math.min(cfg.forwardBatch(), scores.length - s);
            try (PointerScope chunk = new PointerScope()) {
                Tensor f = features.apply(s, rows).to(ScalarType.Float);
                float[] v = Torch.toFloats(TorchLosses.meanTokenCosine(f, target.expand(rows, f.size(1), f.size(2))));
                for (int i = 0; i < rows; i++) {
                    scores[index == null ? s + i : index[s + i]] = v[i];
                }
            }
        }
    }

    static int[] topIndices(double[] v, int k) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(v[b], v[a]));
        int n = Math.min(k, v.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    /** What both modes report about the final embedding. */
    private record Final(ScanReport.Landscape landscape, ScanReport.TestStats stats, float[] target) {
    }

    /**
     * The evidence on the final embedding shared by both modes: the evidence landscape when no check computed one,
     * the test-split statistics (with the full-assimilation warning) and the target feature of the first test prompt.
     */
    private Final finalEvidence(Tensor e, Tensor testHidden, Tensor testOriginal, ScanReport.Landscape landscape,
                                List<String> warnings, Judged judged) {
        if (landscape == null && cfg.evidenceLandscapeSize() > 0) {
            clock.start(ScanPhase.LANDSCAPE);
            listener.phase(ScanPhase.LANDSCAPE);
            landscape = landscape(e, testHidden, testOriginal, cfg.evidenceLandscapeSize(),
                    "final embedding (evidence only, not used by the decision)");
        }
        clock.start(ScanPhase.REPORT);
        listener.phase(ScanPhase.REPORT);
        ScanReport.TestStats stats = stats(judged != null ? judged : judge(e, testHidden, testOriginal),
                cfg.thresholds(),
                (int) testHidden.size(0));
        warnIfFullyAssimilated(stats, warnings);
        float[] target;
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            target = Torch.toFloats(suspect.transform(Sequences.insert(testHidden.narrow(0, 0, 1), e)));
        }
        return new Final(landscape, stats, target);
    }

    private static void warnIfFullyAssimilated(ScanReport.TestStats stats, List<String> warnings) {
        if (stats.assimilationMax() - stats.assimilationMin() < 1e-6 && stats.assimilationMean() > 0.999) {
            warnings.add("every test prompt is fully assimilated even at the final embedding: the suspect's "
                    + "outputs may be constant; inspect the model");
        }
    }

    /**
     * Stops the scan once its thread is interrupted; called before every chunk of every long phase (shadow encoding,
     * judge checks, landscape blocks, explanation) so cancellation takes effect within one chunk.
     */
    private void cancelIfInterrupted(String phase) {
        if (Thread.currentThread().isInterrupted()) {
            throw new ScanCancelledException("scan of " + suspect.info().source() + " interrupted during " + phase);
        }
    }

    private void cancelIfInterrupted(int step) {
        if (Thread.currentThread().isInterrupted()) {
            throw new ScanCancelledException("scan of " + suspect.info().source() + " interrupted at step " + step);
        }
    }

    /** The rows of batch {@code bi} of a shuffled train split of {@code nTrain} prompts. */
    private int[] batch(int[] order, int bi, int nTrain) {
        return java.util.Arrays.copyOfRange(order, bi * cfg.batchSize(), Math.min(nTrain, (bi + 1) * cfg.batchSize()));
    }

    /** {@code loss} when finite; else the error naming the broken model ({@code done} steps ran before). */
    private double finite(double loss, int done, Tensor e, Tensor trainIds) {
        if (!Double.isFinite(loss)) {
            throw nonFinite(loss, done + 1, e, trainIds);
        }
        return loss;
    }

    /**
     * The error for a non-finite objective, naming the model whose features are non-finite on the first train
     * prompts with the current embedding (the anchor can be the broken one).
     */
    private ScanException nonFinite(double loss, int step, Tensor e, Tensor trainIds) {
        String culprit;
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            Tensor x = Sequences.insert(suspect.embed(trainIds.narrow(0, 0, Math.min(4, trainIds.size(0)))),
                    e.detach());
            boolean suspectOk = Torch.item(torch.isfinite(suspect.transform(x)).all()) != 0;
            boolean anchorOk = Torch.item(torch.isfinite(anchor.transform(x)).all()) != 0;
            culprit = !anchorOk && suspectOk ? "the anchor " + anchor.info().source()
                    : !suspectOk && anchorOk ? "the suspect " + suspect.info().source()
                    : !suspectOk ? "both the suspect " + suspect.info().source() + " and the anchor "
                    + anchor.info().source() : "the suspect " + suspect.info().source() + " or the anchor "
                    + anchor.info().source() + " (features finite, cosines degenerate)";
        } catch (RuntimeException ex) {
            culprit = "the suspect " + suspect.info().source() + " or the anchor " + anchor.info().source();
        }
        return new ScanException("the objective became " + loss + " at step " + step + ": " + culprit
                + " produces non-finite or degenerate features (e.g. weights that overflow in the forward pass); "
                + "no verdict can be given");
    }

    /** Warnings for models whose clean outputs are the same for every prompt (their statistics mean nothing). */
    private void warnIfConstant(Tensor testHidden, Tensor testOriginal, List<String> warnings) {
        int m = (int) Math.min(16, testHidden.size(0));
        if (m < 2) {
            return;
        }
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            Tensor a = anchor.transform(testHidden.narrow(0, 0, m)).to(ScalarType.Float);
            Tensor o = testOriginal.narrow(0, 0, m).to(ScalarType.Float);
            if (constant(a)) {
                warnings.add("the anchor " + anchor.info().source() + " gives the same output for every prompt: the "
                        + "anchor term and the clean baseline are meaningless; check the anchor");
            }
            if (constant(o)) {
                warnings.add("the suspect " + suspect.info().source() + " gives the same output for every prompt: "
                        + "its outputs may be constant; inspect the model");
            }
        }
    }

    private static boolean constant(Tensor f) {
        Tensor first = f.narrow(0, 0, 1).expand(f.size(0), f.size(1), f.size(2));
        return Torch.item(f.sub(first).abs().max()) < 1e-6;
    }

    /**
     * The calibrated mode: inversion with the pooled term, then the calibrated rule. With {@code earlyStop}, the rule
     * is also applied during the inversion: every quarter epoch on a screening quarter of the test split
     * ({@link #screenPrompts}); when it fires there, on the whole test split a sixteenth of an epoch later. When that
     * confirmation fires too the verdict is settled (the suspect has shown an embedding under which it leaves its
     * anchor on nearly every test prompt) and the inversion ends there; otherwise screening resumes.
     */
    private Outcome calibrated(Tensor e, Adam adam, SplittableRandom rnd, Tensor ids, Tensor testHidden,
                               Tensor original, int nTrain, int nTest, List<String> warnings, String targetPrompt,
                               Shadow shadow) {
        long placeholder = Torch.toLongs(ids.narrow(0, 0, 1).narrow(1, 0, 1))[0];
        Tensor pooledClean;
        try (NoGradGuard g = new NoGradGuard()) {
            pooledClean = Scopes.keep(() -> suspect.pool(original, ids).to(ScalarType.Float));
        }
        Tensor trainOriginal = original.narrow(0, 0, nTrain);
        Tensor trainIds = ids.narrow(0, 0, nTrain);
        Tensor trainPooled = pooledClean.narrow(0, 0, nTrain);
        Tensor testOriginal = original.narrow(0, nTrain, nTest);
        Tensor testIds = ids.narrow(0, nTrain, nTest);
        int batches = (nTrain + cfg.batchSize() - 1) / cfg.batchSize();
        int planned = batches * cfg.epochs();
        int checkSteps = Math.max(1, batches / 4);
        int confirmSteps = Math.max(1, batches / 16);
        int screen = screenPrompts(nTest);
        Clean clean = clean(testHidden, testOriginal, testIds);
        Tested tested = null;
        int nextCheck = checkSteps;
        boolean screened = false;
        int settledAt = -1;
        double[] losses = new double[planned];
        int step = 0;
        double sum = 0;
        outer:
        for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
            int[] order = permutation(nTrain, rnd);
            for (int bi = 0; bi < batches; bi++) {
                cancelIfInterrupted(step);
                double loss = finite(pooledStep(e, adam, trainOriginal, trainIds, trainPooled,
                        batch(order, bi, nTrain), placeholder), step, e, trainIds);
                losses[step++] = loss;
                sum += loss;
                listener.step(epoch, step, planned, loss, sum / step);
                if (cfg.earlyStop() && step == nextCheck && step < planned) {
                    clock.start(ScanPhase.CHECK);
                    listener.phase(ScanPhase.CHECK);
                    if (!screened) {
                        screened = fires(calibration(e, testHidden.narrow(0, 0, screen), testOriginal.narrow(0, 0,
                                screen), testIds.narrow(0, 0, screen), placeholder, clean));
                        nextCheck = step + (screened ? confirmSteps : checkSteps);
                    } else {
                        tested = calibration(e, testHidden, testOriginal, testIds, placeholder, clean);
                        if (fires(tested)) {
                            settledAt = step;
                            break outer;
                        }
                        tested = null;
                        screened = false;
                        nextCheck = step + checkSteps;
                    }
                    clock.start(ScanPhase.INVERT);
                    listener.phase(ScanPhase.INVERT);
                }
            }
        }
        clock.start(ScanPhase.CHECK);
        listener.phase(ScanPhase.CHECK);
        if (tested == null) {
            tested = calibration(e, testHidden, testOriginal, testIds, placeholder, clean);
        }
        ScanReport.Calibration cal = tested.calibration();
        Final fin = finalEvidence(e, testHidden, testOriginal, null, warnings, tested.judged());
        ScanReport.Landscape landscape = fin.landscape();
        ScanReport.TestStats stats = fin.stats();
        float[] target = fin.target();
        boolean backdoor = cal.token().fires() || cal.pooled().fires();
        String settled = settledAt < 0 ? "" : String.format(java.util.Locale.ROOT, "; settled at step %d of %d "
                + "(the rule fired on %d of the test prompts at step %d, then on all of them)", settledAt, planned,
                screen, settledAt - confirmSteps);
        String decision = backdoor
                ? String.format(java.util.Locale.ROOT, "calibrated rule: under the inverted trigger the suspect "
                        + "disagrees with its anchor %.1f× more than on clean prompts (%s channel; %.0f%% of test "
                        + "prompts beyond the clean %.0fth percentile)", (cal.token().fires() ? cal.token()
                        : cal.pooled()).ratio(), cal.token().fires() ? "token" : "pooled",
                        100 * (cal.token().fires() ? cal.token() : cal.pooled()).exceedShare(),
                        100 * cfg.calibrated().cleanQuantile()) + settled
                : String.format(java.util.Locale.ROOT, "calibrated rule: the inverted trigger raises the suspect's "
                        + "disagreement with its anchor only %.1f× (token) and %.1f× (pooled) over clean prompts, "
                        + "below %.1f×; no backdoor found", cal.token().ratio(), cal.pooled().ratio(),
                        cfg.calibrated().ratio());
        return new Outcome(backdoor, decision, java.util.Arrays.copyOf(losses, step), step, planned,
                sum / Math.max(1, step), settledAt >= 0, List.of(), stats, cal, landscape, Torch.toFloats(e), target,
                (int) testHidden.size(1), nTrain, warnings, targetPrompt, explain(e, shadow));
    }

    private static boolean fires(Tested t) {
        return t.calibration().token().fires() || t.calibration().pooled().fires();
    }

    /**
     * Test prompts of the early stop's screening checks: a quarter of the test split, but all of a split of fewer
     * than 40 prompts (a smaller sample says too little).
     */
    static int screenPrompts(int nTest) {
        return nTest < 40 ? nTest : nTest / 4;
    }

    /** One step of the calibrated objective: token objective + pooledWeight × pooled objective. */
    private double pooledStep(Tensor e, Adam adam, Tensor original, Tensor ids, Tensor pooledClean, int[] rows,
                              long placeholder) {
        try (PointerScope stepScope = new PointerScope()) {
            Tensor idx = Torch.longs(toLongs(rows), rows.length).to(suspect.device(), ScalarType.Long);
            Tensor rowIds = ids.index_select(0, idx);
            Tensor hb = embedNoGrad(rowIds);
            Tensor ob = original.index_select(0, idx).to(ScalarType.Float);
            Tensor ib = Sequences.insertIds(rowIds, cfg.tokens(), placeholder);
            Tensor pc = pooledClean.index_select(0, idx);
            double w = cfg.calibrated().pooledWeight();
            adam.zero_grad();
            Tensor obj = backward(e, hb, (fs, fa) -> {
                Tensor o = TorchLosses.objective(fs.to(ScalarType.Float), ob, fa.to(ScalarType.Float), cfg.beta(),
                        cfg.gamma());
                if (w > 0) {
                    Tensor ps = suspect.pool(fs, ib).to(ScalarType.Float);
                    Tensor pa = anchor.pool(fa, ib).to(ScalarType.Float);
                    o = o.add(TorchLosses.pooledObjective(ps, pc, pa, cfg.beta(), cfg.gamma())
                            .mul(new org.bytedeco.pytorch.Scalar(w)));
                }
                return o;
            });
            adam.step();
            return Torch.item(obj);
        }
    }

    /** The suspect–anchor disagreement on the clean test prompts (token and pooled); it does not depend on e. */
    record Clean(double[] token, double[] pooled) {
    }

    Clean clean(Tensor hidden, Tensor original, Tensor ids) {
        int n = (int) hidden.size(0);
        double[] tok = new double[n];
        double[] pool = new double[n];
        try (NoGradGuard g = new NoGradGuard(); PointerScope outer = new PointerScope()) {
            chunks(n, (s, len) -> {
                Tensor ib = ids.narrow(0, s, len);
                Tensor so = original.narrow(0, s, len);
                Tensor ao = anchor.transform(hidden.narrow(0, s, len));
                return torch.stack(new TensorVector(TorchLosses.meanTokenCosine(ao.to(ScalarType.Float),
                        so.to(ScalarType.Float)), TorchLosses.rowCosine(anchor.pool(ao, ib).to(ScalarType.Float),
                        suspect.pool(so, ib).to(ScalarType.Float))), 0);
            }, (s, cosines) -> {
                copyOneMinus(cosines.select(0, 0), tok, (int) s);
                copyOneMinus(cosines.select(0, 1), pool, (int) s);
                return true;
            });
        }
        return new Clean(tok, pool);
    }

    /** The calibrated rule's evidence and, from the same passes, the three judges' per-prompt values. */
    record Tested(ScanReport.Calibration calibration, Judged judged) {
    }

    /** Triggered suspect–anchor disagreement on the test split per channel, against the clean one; the rule applied. */
    Tested calibration(Tensor e, Tensor hidden, Tensor original, Tensor ids, long placeholder, Clean clean) {
        int n = (int) hidden.size(0);
        double[] poolTrig = new double[n];
        Judged judged = Judged.of(n);
        double consS;
        double consA;
        try (NoGradGuard g = new NoGradGuard(); PointerScope outer = new PointerScope()) {
            Tensor first = firstFeature(e, hidden);
            List<Tensor> ps = new ArrayList<>();
            List<Tensor> pa = new ArrayList<>();
            for (int s = 0; s < n; s += cfg.forwardBatch()) {
                cancelIfInterrupted("the judge checks");
                int len = Math.min(cfg.forwardBatch(), n - s);
                int start = s;
                Tensor[] kept = new Tensor[2];
                try (PointerScope chunk = new PointerScope()) {
                    Tensor x = Sequences.insert(hidden.narrow(0, start, len), e);
                    Tensor xi = Sequences.insertIds(ids.narrow(0, start, len), cfg.tokens(), placeholder);
                    Tensor[] both = both(x);
                    Tensor fs = both[0];
                    Tensor fa = both[1];
                    judged.fill(start, fs, fa, first, original.narrow(0, start, len));
                    Tensor pts = suspect.pool(fs, xi).to(ScalarType.Float);
                    Tensor pta = anchor.pool(fa, xi).to(ScalarType.Float);
                    copyOneMinus(TorchLosses.rowCosine(pta, pts), poolTrig, start);
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
        org.amdet.CalibratedThresholds ct = cfg.calibrated();
        double[] tokTrig = new double[n];
        for (int i = 0; i < n; i++) {
            tokTrig[i] = 1.0 - judged.cosAnchor()[i];
        }
        return new Tested(new ScanReport.Calibration(channel("token", tokTrig, clean.token(), ct), channel("pooled",
                poolTrig, clean.pooled(), ct), consS, consA, ct), judged);
    }

    static ScanReport.Channel channel(String name, double[] trig, double[] clean, org.amdet.CalibratedThresholds ct) {
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
        java.util.Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    private static void copyOneMinus(Tensor t, double[] dst, int at) {
        float[] v = Torch.toFloats(t);
        for (int i = 0; i < v.length; i++) {
            dst[at + i] = 1.0 - v[i];
        }
    }

    /**
     * One optimisation step on the given rows of the train split: insert e, run suspect and anchor, objective,
     * backward, Adam. All intermediates live in the step's own scope.
     *
     * @return the objective before the update
     */
    public double step(Tensor e, Adam adam, Tensor ids, Tensor original, int[] rows) {
        try (PointerScope stepScope = new PointerScope()) {
            Tensor idx = Torch.longs(toLongs(rows), rows.length).to(suspect.device(), ScalarType.Long);
            Tensor hb = embedNoGrad(ids.index_select(0, idx));
            Tensor ob = original.index_select(0, idx).to(ScalarType.Float);
            adam.zero_grad();
            Tensor obj = backward(e, hb, (fs, fa) -> TorchLosses.objective(fs.to(ScalarType.Float), ob,
                    fa.to(ScalarType.Float), cfg.beta(), cfg.gamma()));
            adam.step();
            return Torch.item(obj);
        }
    }

    /**
     * Inserts e into {@code hb}, runs the suspect and the anchor ({@link Parallel side by side}), evaluates
     * {@code objective} on their raw outputs and accumulates d objective / d e into {@code e.grad()}.
     *
     * @return the objective
     */
    private Tensor backward(Tensor e, Tensor hb, java.util.function.BinaryOperator<Tensor> objective) {
        if (!sideBySide) {
            Tensor x = Sequences.insert(hb, e);
            Tensor obj = objective.apply(suspect.transform(x), anchor.transform(x));
            obj.backward();
            return obj;
        }
        // each model gets its own leaf copy of e, so both graphs can be walked back at once on two threads
        Tensor es = e.detach();
        es.requires_grad_(true);
        Tensor ea = e.detach();
        ea.requires_grad_(true);
        Tensor[] f = Parallel.both(sideBySide, () -> suspect.transform(Sequences.insert(hb, es)),
                () -> anchor.transform(Sequences.insert(hb, ea)));
        Tensor obj = objective.apply(f[0], f[1]);
        TensorVector gf = torch.grad(new TensorVector(obj), new TensorVector(f[0], f[1]));
        // TensorVector.get is a view into the vector: copy the handles out
        Tensor gs = new Tensor(gf.get(0));
        Tensor ga = new Tensor(gf.get(1));
        Tensor[] ge = Parallel.both(sideBySide, () -> gradient(f[0], es, gs), () -> gradient(f[1], ea, ga));
        e.backward(ge[0].add(ge[1]), new org.bytedeco.pytorch.BoolOptional(), false,
                new org.bytedeco.pytorch.TensorArrayRefOptional());
        return obj;
    }

    private static Tensor gradient(Tensor output, Tensor input, Tensor outputGrad) {
        TensorVector g = torch.grad(new TensorVector(output), new TensorVector(input), new TensorVector(outputGrad),
                new org.bytedeco.pytorch.BoolOptional(), false, false);
        return new Tensor(g.get(0));
    }

    /** The suspect's and the anchor's outputs of {@code x}, side by side. */
    private Tensor[] both(Tensor x) {
        return Parallel.both(sideBySide, () -> suspect.transform(x), () -> anchor.transform(x));
    }

    /** Adam over the single leaf {@code e} with the configured learning rate and weight decay. */
    public Adam optimizer(Tensor e) {
        AdamOptions opts = new AdamOptions(cfg.learningRate());
        opts.weight_decay().put(cfg.weightDecay());
        return new Adam(new TensorVector(e), opts);
    }

    /** The embedding-layer output of {@code ids}, computed without recording a graph. */
    private Tensor embedNoGrad(Tensor ids) {
        try (NoGradGuard g = new NoGradGuard()) {
            return suspect.embed(ids);
        }
    }

    /**
     * The suspect's clean outputs of the token ids {@code ids} [n, L], or null when any is NaN or infinite. The
     * prompts are embedded and run {@code forwardBatch} at a time (two chunks side by side when passes run
     * concurrently), each chunk written into one [n, L, D] result, so no embedding of the whole set and no
     * concatenated copy is ever held.
     */
    public Tensor encodeIds(Tensor ids) {
        long n = ids.size(0);
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor out = Scopes.keep(() -> torch.empty(new long[] {n, ids.size(1), suspect.info().hiddenSize()},
                    new org.bytedeco.pytorch.TensorOptions(suspect.computeType()).device(
                            new org.bytedeco.pytorch.DeviceOptional(suspect.device())), null));
            boolean[] finite = {true};
            chunks(n, (s, len) -> encodeInto(out, ids, s, len), (s, flag) -> finite[0] = Torch.item(flag) != 0);
            return finite[0] ? out : null;
        }
    }

    /** A computation on rows [start, start + len) of a set of prompts. */
    private interface ChunkWork {
        Tensor apply(long start, long len);
    }

    /** Takes the result of a chunk starting at row {@code start}; false stops the remaining chunks. */
    private interface ChunkResult {
        boolean accept(long start, Tensor result);
    }

    /**
     * Runs {@code work} over rows [0, n) {@code forwardBatch} rows at a time, two chunks side by side when passes run
     * concurrently, and hands each result to {@code sink} on the calling thread in row order, while the chunk's
     * scope is still open.
     */
    private void chunks(long n, ChunkWork work, ChunkResult sink) {
        long fb = cfg.forwardBatch();
        for (long s = 0; s < n; s += 2 * fb) {
            cancelIfInterrupted("a chunked forward pass");
            long start = s;
            long len = Math.min(fb, n - s);
            long len2 = Math.min(fb, n - s - len);
            try (PointerScope chunk = new PointerScope()) {
                Tensor[] r = len2 <= 0 ? new Tensor[] {Scopes.keep(() -> work.apply(start, len))}
                        : Parallel.both(sideBySide, () -> work.apply(start, len),
                                () -> work.apply(start + len, len2));
                if (!sink.accept(start, r[0]) || r.length > 1 && !sink.accept(start + len, r[1])) {
                    return;
                }
            }
        }
    }

    /** Writes the suspect's clean outputs of rows [start, start + len) into {@code out}; whether all are finite. */
    private Tensor encodeInto(Tensor out, Tensor ids, long start, long len) {
        Tensor f = suspect.transform(suspect.embed(ids.narrow(0, start, len)));
        out.narrow(0, start, len).copy_(f);
        return torch.isfinite(f).all();
    }

    /** The three judges' per-prompt values for {@code e} on the given prompts, batched. */
    public Judged judge(Tensor e, Tensor hidden, Tensor original) {
        int n = (int) hidden.size(0);
        Judged judged = Judged.of(n);
        try (NoGradGuard g = new NoGradGuard(); PointerScope outer = new PointerScope()) {
            Tensor first = firstFeature(e, hidden);
            for (int s = 0; s < n; s += cfg.forwardBatch()) {
                cancelIfInterrupted("the judge checks");
                int len = Math.min(cfg.forwardBatch(), n - s);
                try (PointerScope chunk = new PointerScope()) {
                    Tensor[] both = both(Sequences.insert(hidden.narrow(0, s, len), e));
                    judged.fill(s, both[0], both[1], first, original.narrow(0, s, len));
                }
            }
        }
        return judged;
    }

    /** The suspect's float32 feature of the first prompt of {@code hidden} with e inserted, in the caller's scope. */
    private Tensor firstFeature(Tensor e, Tensor hidden) {
        return Scopes.keep(() -> suspect.transform(Sequences.insert(hidden.narrow(0, 0, 1), e)).to(ScalarType.Float));
    }

    /** A reference check's judges over the prompts judged before the outcome was settled. */
    public record Gate(int judged, double assimilationRatio, double sameTarget, double differentTarget,
                       boolean passed) {
    }

    /**
     * The reference check's three judges on the test split, {@code forwardBatch} prompts at a time, stopping after
     * the first chunk at which one judge can no longer exceed its ratio on the whole split (the shares count over all
     * n test prompts, as in the reference, so the outcome is the one of judging every prompt). The anchor pass is
     * skipped for a chunk once the suspect-only judges have failed.
     */
    public Gate gate(Tensor e, Tensor hidden, ReferenceThresholds th) {
        int n = (int) hidden.size(0);
        int passA = 0;
        int passS = 0;
        int passD = 0;
        int done = 0;
        int anchorDone = 0;
        try (NoGradGuard g = new NoGradGuard(); PointerScope outer = new PointerScope()) {
            Tensor first = firstFeature(e, hidden);
            for (int s = 0; s < n; s += cfg.forwardBatch()) {
                cancelIfInterrupted("the judge checks");
                int len = Math.min(cfg.forwardBatch(), n - s);
                try (PointerScope chunk = new PointerScope()) {
                    Tensor x = Sequences.insert(hidden.narrow(0, s, len), e);
                    // side by side the anchor's pass costs no wall time; one after the other it waits for need
                    Tensor[] both = sideBySide ? both(x) : new Tensor[] {suspect.transform(x), null};
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
                    Tensor fa = (both[1] != null ? both[1] : anchor.transform(x)).to(ScalarType.Float);
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

    private static void copy(Tensor t, double[] dst, int at) {
        float[] v = Torch.toFloats(t);
        for (int i = 0; i < v.length; i++) {
            dst[at + i] = v[i];
        }
    }

    private static ScanReport.TestStats stats(Judged j, ReferenceThresholds th, int n) {
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

    /**
     * The loss landscape around {@code e}: d1 = normalised −∇ objective on the landscape prompts, d2 = a seeded
     * random direction orthogonalised to d1; the grid is evaluated {@code forwardBatch} points per forward pass.
     */
    public ScanReport.Landscape landscape(Tensor e, Tensor testHidden, Tensor testOriginal, int size,
                                          String context) {
        int p = (int) Math.min(cfg.landscapePrompts(), testHidden.size(0));
        Tensor hp = testHidden.narrow(0, 0, p);
        Tensor op = testOriginal.narrow(0, 0, p).to(ScalarType.Float);
        int kd = (int) e.numel();
        float[] d1;
        float[] d2;
        float[] centre = Torch.toFloats(e);
        try (PointerScope s = new PointerScope()) {
            Tensor leaf = e.detach().clone();
            leaf.requires_grad_(true);
            backward(leaf, hp, (fs, fa) -> TorchLosses.objective(fs.to(ScalarType.Float), op,
                    fa.to(ScalarType.Float), cfg.beta(), cfg.gamma()));
            d1 = Torch.toFloats(leaf.grad());
        }
        d1 = Directions.normalise(Directions.negate(d1));
        d2 = Directions.randomOrthogonal(d1, new SplittableRandom(cfg.seed() ^ 0x9E3779B97F4A7C15L));
        float[] fd1 = d1;
        float[] fd2 = d2;
        LandscapeConfig lc = new LandscapeConfig(size, cfg.landscapeExtent(), 1e-6,
                Math.max(1, cfg.forwardBatch() / p));
        Landscape l = Landscape.evaluate((a, b) -> gridValues(centre, fd1, fd2, a, b, hp, op, kd), lc);
        return new ScanReport.Landscape(context, size, cfg.landscapeExtent(), p, l.positiveRatio(1e-6),
                l.spectrum().positiveDefiniteRatio(1e-6), l.mean(), l.variance(), l.curvatureD1(), l.curvatureD2(),
                l.symmetry(), l.surface(), l.spectrum().eigenvalues());
    }

    /** Objective (mean over the landscape prompts) at centre + a·d1 + b·d2 for a block of grid points. */
    public double[] gridValues(float[] centre, float[] d1, float[] d2, double[] a, double[] b, Tensor hp, Tensor op, int kd) {
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
            int k = cfg.tokens();
            cancelIfInterrupted("the landscape");
            long d = kd / k;
            Tensor es = Torch.floats(pts, m, k, d).to(suspect.device(), ScalarType.Float);
            // rows ordered point-major: point i, prompt q -> row i*p + q
            Tensor esRep = es.repeat_interleave(p, new org.bytedeco.pytorch.LongOptional(0), new org.bytedeco.pytorch.LongOptional());
            Tensor hRep = hp.repeat(m, 1, 1);
            Tensor oRep = op.repeat(m, 1, 1);
            Tensor x = Sequences.insertEach(hRep, esRep);
            Tensor[] both = both(x);
            Tensor f = both[0].to(ScalarType.Float);
            Tensor fa = both[1].to(ScalarType.Float);
            Tensor per = TorchLosses.objectivePerSample(f, oRep, fa, cfg.beta(), cfg.gamma()).view(m, p)
                    .mean(new long[] {1}, false, null);
            float[] v = Torch.toFloats(per);
            for (int i = 0; i < m; i++) {
                out[i] = v[i];
            }
        }
        return out;
    }

    static int[] permutation(int n, SplittableRandom r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static long[] toLongs(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    /** A standard normal variate (Box–Muller), deterministic for the generator's seed. */
    static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}

package org.amdet.internal.scan;

import org.amdet.DetectorConfig;
import org.amdet.Encoders;
import org.amdet.ScanListener;
import org.amdet.ScanReport;
import org.amdet.ShadowSet;
import org.amdet.TextEncoder;
import org.amdet.internal.decision.Decision;
import org.amdet.internal.decision.MultiStart;
import org.amdet.internal.decision.Preconditions;
import org.amdet.internal.decision.RobustRule;
import org.amdet.internal.decision.StartEvidence;
import org.amdet.internal.torch.Torch;
import org.amdet.internal.torch.TorchLosses;
import org.amdet.internal.torch.TorchTextEncoder;
import org.amdet.testing.TestData;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Offline analysis for docs/decision-rule.md, not a verdict test: scans development-zoo models with the current
 * calibrated rule, recomputes the per-prompt disagreements at the scan's final embedding (the same permutation, split
 * and passes as {@link ScanEngine}), checks that they reproduce the scan's calibration summary exactly, and prints the
 * robust rule's decision next to the calibrated verdict. Models: {@code -Damdet.replay.models=a,b} (default: the
 * development zoo).
 *
 * <p>Kept out of the build on purpose (it reads {@code ScanEngine}'s package-private internals, which the scan-engine
 * split changes): copy it to {@code amdet-encoders/src/test/java/org/amdet/internal/scan/} and run
 * {@code mvn -o verify -pl amdet-encoders -am -Dtest=RobustRuleReplayTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dsurefire.groups=slow -Dsurefire.excludedGroups=}.
 */
@Tag("slow")
class RobustRuleReplayTest {
    static final List<String> MODELS = List.of(System.getProperty("amdet.replay.models",
            "backdoor-1,backdoor-2,backdoor-3,multi-1,pair-1,benign-1,benign-2,benign-3").split(","));

    @Test
    void replayTheRobustRuleOnTheDevelopmentZoo() throws Exception {
        DetectorConfig cfg = DetectorConfig.builder().optShadowSize(1000).optEpochs(2).optHashFiles(false)
                .optEvidenceLandscapeSize(0).build();
        assertFalse(cfg.trimSequences(), "the replay assumes untrimmed sequences (the default)");
        RobustRule rule = RobustRule.defaults();
        StringBuilder table = new StringBuilder("| model | calibrated verdict | calibrated token ratio / share | "
                + "calibrated pooled ratio / share | robust outcome | decided by | token: S of n, p, beyond 5× clean "
                + "median, credit | pooled: S of n, p, beyond 5× clean median, credit |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (String model : MODELS) {
            try (TextEncoder s = Encoders.load(TestData.zoo(model)); TextEncoder a = Encoders.load(TestData.zoo(
                    "base"))) {
                TorchTextEncoder ts = (TorchTextEncoder) s;
                TorchTextEncoder ta = (TorchTextEncoder) a;
                List<String> prompts = ShadowSet.synthetic(1000, 0).limit(cfg.shadowSize()).prompts();
                ScanEngine engine = new ScanEngine(cfg, ts, ta, ScanListener.none(), new ScanClock());
                ScanEngine.Outcome o = engine.run(prompts);
                double[][] v = perPrompt(engine, cfg, ts, ta, prompts, o);
                dump(model, v);
                ScanReport.Calibration cal = o.calibration();
                assertEquals(cal.token().triggeredMedian(), ScanEngine.quantile(v[0], 0.5), 1e-12, model);
                assertEquals(cal.token().cleanMedian(), ScanEngine.quantile(v[1], 0.5), 1e-12, model);
                assertEquals(cal.pooled().triggeredMedian(), ScanEngine.quantile(v[2], 0.5), 1e-12, model);
                assertEquals(cal.pooled().cleanMedian(), ScanEngine.quantile(v[3], 0.5), 1e-12, model);
                StartEvidence start = new StartEvidence("seed 0, k=1", cfg.tokens(), cfg.seed(), List.of(
                        new StartEvidence.Samples("token", v[0], v[1]), new StartEvidence.Samples("pooled", v[2],
                                v[3])));
                Decision d = new MultiStart(rule).decide(List.of(start), Preconditions.check(rule,
                        new Preconditions.Facts(prompts.size(), cfg.trainFraction(), cfg.epochs(), 2, false, -1,
                                true)));
                var tests = d.starts().get(0).tests();
                table.append(String.format(Locale.ROOT, "| %s | %s | %.1f / %.2f | %.1f / %.2f | %s | %s | %s | %s |%n",
                        model, o.backdoor() ? "BACKDOORED" : "CLEAN", cal.token().ratio(), cal.token().exceedShare(),
                        cal.pooled().ratio(), cal.pooled().exceedShare(), d.outcome(),
                        d.outcome() == org.amdet.internal.decision.Outcome.BACKDOORED ? d.decidedBy() : "–",
                        cell(tests.get(0)), cell(tests.get(1))));
                System.out.println("REPLAY " + model + ": " + d.text());
            }
        }
        System.out.println(table);
    }

    static String cell(org.amdet.internal.decision.ChannelTest t) {
        return String.format(Locale.ROOT, "%d of %d, %.2g, %d, %s", t.positives(), t.n(), t.pValue(),
                t.reference().beyondMedianFence(), t.creditWithheld() ? "withheld"
                        : t.reference().credited() + " credited");
    }

    /** Writes the per-prompt values to {@code target/robust-replay/<model>.csv} for offline analysis. */
    static void dump(String model, double[][] v) throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Path.of("target", "robust-replay");
        java.nio.file.Files.createDirectories(dir);
        StringBuilder b = new StringBuilder("token_triggered,token_clean,pooled_triggered,pooled_clean\n");
        for (int i = 0; i < v[0].length; i++) {
            b.append(String.format(Locale.ROOT, "%.9g,%.9g,%.9g,%.9g%n", v[0][i], v[1][i], v[2][i], v[3][i]));
        }
        java.nio.file.Files.writeString(dir.resolve(model + ".csv"), b);
    }

    /** Token triggered, token clean, pooled triggered, pooled clean per test prompt, at the scan's final e. */
    static double[][] perPrompt(ScanEngine engine, DetectorConfig cfg, TorchTextEncoder suspect,
                                TorchTextEncoder anchor, List<String> prompts, ScanEngine.Outcome o) {
        int n = prompts.size();
        int nTrain = (int) Math.floor(n * cfg.trainFraction());
        int nTest = n - nTrain;
        int[] perm = ScanEngine.permutation(n, new SplittableRandom(cfg.seed()));
        try (NoGradGuard g = new NoGradGuard(); PointerScope scope = new PointerScope()) {
            Tensor ids = suspect.idsTensor(prompts);
            Tensor order = Torch.longs(ScanEngine.toLongs(perm), n).to(suspect.device(), ScalarType.Long);
            Tensor idsPerm = ids.index_select(0, order);
            Tensor original = engine.encodeIds(idsPerm);
            Tensor testIds = idsPerm.narrow(0, nTrain, nTest);
            Tensor testHidden = suspect.embed(testIds);
            Tensor testOriginal = original.narrow(0, nTrain, nTest);
            long placeholder = Torch.toLongs(idsPerm.narrow(0, 0, 1).narrow(1, 0, 1))[0];
            Tensor e = Torch.floats(o.embedding(), cfg.tokens(), suspect.info().hiddenSize()).to(suspect.device(),
                    ScalarType.Float);
            ScanEngine.Clean clean = engine.clean(testHidden, testOriginal, testIds);
            ScanEngine.Tested tested = engine.calibration(e, testHidden, testOriginal, testIds, placeholder, clean);
            double[] tokTrig = new double[nTest];
            for (int i = 0; i < nTest; i++) {
                tokTrig[i] = 1.0 - tested.judged().cosAnchor()[i];
            }
            double[] poolTrig = new double[nTest];
            for (int s = 0; s < nTest; s += cfg.forwardBatch()) {
                int len = Math.min(cfg.forwardBatch(), nTest - s);
                try (PointerScope chunk = new PointerScope()) {
                    Tensor x = Sequences.insert(testHidden.narrow(0, s, len), e);
                    Tensor xi = Sequences.insertIds(testIds.narrow(0, s, len), cfg.tokens(), placeholder);
                    Tensor ps = suspect.pool(suspect.transform(x), xi).to(ScalarType.Float);
                    Tensor pa = anchor.pool(anchor.transform(x), xi).to(ScalarType.Float);
                    float[] c = Torch.toFloats(TorchLosses.rowCosine(pa, ps));
                    for (int i = 0; i < len; i++) {
                        poolTrig[s + i] = 1.0 - c[i];
                    }
                }
            }
            return new double[][] {tokTrig, clean.token(), poolTrig, clean.pooled()};
        }
    }
}

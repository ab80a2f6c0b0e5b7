package org.amdet.encoders;

import org.amdet.DetectorConfig;
import org.amdet.Encoders;
import org.amdet.ReferenceThresholds;
import org.amdet.ScanListener;
import org.amdet.ShadowSet;
import org.amdet.internal.scan.ScanClock;
import org.amdet.internal.scan.JudgeValues;
import org.amdet.internal.scan.ReferenceJudges;
import org.amdet.internal.scan.ScanEngine;
import org.amdet.internal.torch.Torch;
import org.amdet.spi.TorchTextEncoder;
import org.amdet.testing.TestData;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scan's shortcuts give the answers of the long way: cutting sequences to the exact prefix leaves outputs and
 * pooled outputs unchanged; a short-circuited reference check has the outcome of judging every prompt.
 */
class ScanShortcutsTest {
    static TorchTextEncoder suspect;
    static TorchTextEncoder anchor;
    static TorchTextEncoder siglip;

    @BeforeAll
    static void load() throws Exception {
        suspect = (TorchTextEncoder) Encoders.load(TestData.zoo("backdoor-1"));
        anchor = (TorchTextEncoder) Encoders.load(TestData.zoo("base"));
        siglip = (TorchTextEncoder) Encoders.load(TestData.hf("siglip-tiny"));
    }

    @AfterAll
    static void close() {
        suspect.close();
        anchor.close();
        siglip.close();
    }

    @Test
    void cuttingACausalEncoderToTheExactPrefixChangesNoOutput() {
        List<String> prompts = ShadowSet.synthetic(40, 3).prompts();
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            Tensor ids = suspect.idsTensor(prompts);
            long cut = suspect.exactPrefixLength(ids);
            assertTrue(cut > 2 && cut < ids.size(1), "synthetic prompts are shorter than the context: " + cut);
            Tensor full = suspect.transform(suspect.embed(ids));
            Tensor cutIds = ids.narrow(1, 0, cut);
            Tensor part = suspect.transform(suspect.embed(cutIds));
            assertTrue(AmdetGoldenTest.maxDiff(full.narrow(1, 0, cut), part) < 1e-5);
            assertTrue(AmdetGoldenTest.maxDiff(suspect.pool(full, ids), suspect.pool(part, cutIds)) < 1e-5);
            // one position less would cut the EOS of the longest prompt and change its pooled output
            Tensor shorter = cutIds.narrow(1, 0, cut - 1);
            assertTrue(AmdetGoldenTest.maxDiff(suspect.pool(full, ids), suspect.pool(suspect.transform(suspect.embed(shorter)),
                    shorter)) > 1e-3);
        }
    }

    @Test
    void bidirectionalEncodersAreNeverCut() {
        try (PointerScope s = new PointerScope()) {
            Tensor ids = siglip.idsTensor(List.of("a cat", "a dog on a red sofa"));
            assertEquals(ids.size(1), siglip.exactPrefixLength(ids));
        }
    }

    @Test
    void aShortCircuitedCheckHasTheOutcomeOfJudgingEveryPrompt() {
        List<String> prompts = ShadowSet.synthetic(32, 5).prompts();
        ScanEngine engine = new ScanEngine(DetectorConfig.builder().optForwardBatch(8).build(), suspect, anchor,
                ScanListener.none(), new ScanClock());
        SplittableRandom rnd = new SplittableRandom(11);
        double[][] thresholds = {
                {0.8, 0.8, 0.92, 0.995, 0.0, 0.95}, // the reference's
                {-1.0, 0.0, -1.0, 0.0, 2.0, 0.0}, // every judge passes
                {0.0, 0.5, 0.0, 0.5, 0.9, 0.5}, // in between
                {0.5, 0.2, 0.5, 0.2, 0.99, 0.2},
        };
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor hidden = suspect.embed(suspect.idsTensor(prompts));
            for (int trial = 0; trial < 2; trial++) {
                float[] v = new float[128];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rnd.nextGaussian() * (trial + 1));
                }
                Tensor e = Torch.floats(v, 1, 128);
                JudgeValues j = engine.judge(e, hidden, suspect.transform(hidden));
                for (double[] t : thresholds) {
                    ReferenceThresholds th = new ReferenceThresholds(-0.76, -0.85, t[0], t[1], t[2], t[3], t[4],
                            t[5], 0.8);
                    double asr = j.share(j.assimilation(), th.assimilationCos(), true, 0);
                    double same = j.share(j.cosFirst(), th.sameTargetCos(), true, 1);
                    double diff = j.share(j.cosAnchor(), th.differentTargetCos(), false, 0);
                    boolean full = asr > th.assimilationRatio() && same > th.sameTargetRatio()
                            && diff > th.differentTargetRatio();
                    ReferenceJudges.Gate gate = engine.gate(e, hidden, th);
                    assertEquals(full, gate.passed(), "trial " + trial + " thresholds " + java.util.Arrays.toString(t));
                    if (gate.judged() == prompts.size()) {
                        assertEquals(asr, gate.assimilationRatio(), 1e-12);
                        assertEquals(same, gate.sameTarget(), 1e-12);
                    } else {
                        assertTrue(gate.judged() < prompts.size());
                    }
                }
            }
        }
    }

    @Test
    void theChunkedShadowEncodeEqualsOneForwardOfAllPrompts() {
        // 37 prompts in chunks of 8: four side-by-side pairs and a lone last chunk
        ScanEngine engine = new ScanEngine(DetectorConfig.builder().optForwardBatch(8).build(), suspect, anchor,
                ScanListener.none(), new ScanClock());
        List<String> prompts = ShadowSet.synthetic(37, 5).prompts();
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            Tensor ids = suspect.idsTensor(prompts);
            Tensor chunked = engine.encodeIds(ids);
            Tensor whole = suspect.transform(suspect.embed(ids));
            assertEquals(List.of(37L, ids.size(1), (long) suspect.info().hiddenSize()),
                    List.of(chunked.size(0), chunked.size(1), chunked.size(2)));
            assertTrue(AmdetGoldenTest.maxDiff(whole, chunked) < 1e-5, "max diff " + AmdetGoldenTest.maxDiff(whole,
                    chunked));
        }
    }
}

package org.amdet.internal.scan;

import org.amdet.BackdoorDetector;
import org.amdet.DecisionMode;
import org.amdet.DetectorConfig;
import org.amdet.DetectorConfigBuilder;
import org.amdet.ReferenceThresholds;
import org.amdet.ScanException;
import org.amdet.ScanListener;
import org.amdet.ScanReport;
import org.amdet.ShadowSet;
import org.amdet.internal.torch.Torch;
import org.amdet.testing.TinyTextEncoder;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scan's stages on {@link TinyTextEncoder}, inside amdet-core: no model files, no encoder module. */
class ScanPipelineTest {
    static TinyTextEncoder anchor;
    static TinyTextEncoder suspect;

    @BeforeAll
    static void load() {
        anchor = new TinyTextEncoder(3, 0, 0);
        suspect = new TinyTextEncoder(3, 0.05, 9);
    }

    @AfterAll
    static void close() {
        anchor.close();
        suspect.close();
    }

    static DetectorConfigBuilder small() {
        return DetectorConfig.builder().optShadowSize(40).optBatchSize(4).optEpochs(2).optForwardBatch(8)
                .optLandscapeSize(5).optEvidenceLandscapeSize(5).optHashFiles(false);
    }

    static ScanContext context(DetectorConfig cfg) {
        return new ScanContext(cfg, suspect, anchor, ScanListener.none(), new ScanClock());
    }

    @Test
    void aShortCircuitedCheckHasTheOutcomeOfJudgingEveryPrompt() {
        ScanEngine engine = new ScanEngine(small().build(), suspect, anchor, ScanListener.none(), new ScanClock());
        SplittableRandom rnd = new SplittableRandom(11);
        double[][] thresholds = {
                {0.8, 0.8, 0.92, 0.995, 0.0, 0.95}, // the reference's
                {-1.0, 0.0, -1.0, 0.0, 2.0, 0.0}, // every judge passes
                {0.0, 0.5, 0.0, 0.5, 0.9, 0.5}, // in between
                {0.5, 0.2, 0.5, 0.2, 0.99, 0.2},
        };
        List<String> prompts = ShadowSet.synthetic(29, 5).prompts();
        int passed = 0;
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor hidden = suspect.embed(suspect.idsTensor(prompts));
            for (int trial = 0; trial < 3; trial++) {
                float[] v = new float[TinyTextEncoder.WIDTH];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rnd.nextGaussian() * (trial + 1));
                }
                Tensor e = Torch.floats(v, 1, TinyTextEncoder.WIDTH);
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
                    assertEquals(full, gate.passed(), "trial " + trial + " thresholds " + Arrays.toString(t));
                    passed += gate.passed() ? 1 : 0;
                    if (gate.judged() == prompts.size()) {
                        assertEquals(asr, gate.assimilationRatio(), 1e-12);
                        assertEquals(same, gate.sameTarget(), 1e-12);
                    } else {
                        assertTrue(gate.judged() < prompts.size());
                    }
                }
            }
        }
        assertTrue(passed > 0, "no threshold set let the gate pass: the test would not see a passing gate");
    }

    @Test
    void trimmedOutputsAreWidenedWithTheLastKeptPositionStandingForEveryCutOne() {
        ScanContext ctx = context(small().build());
        try (PointerScope s = new PointerScope()) {
            float[] v = new float[2 * 3 * 4];
            for (int i = 0; i < v.length; i++) {
                v[i] = i;
            }
            Tensor f = Torch.floats(v, 2, 3, 4);
            assertArrayEquals(v, Torch.toFloats(ctx.widen(f)), "nothing trimmed: unchanged");
            ctx.trimmed(7);
            float[] w = Torch.toFloats(ctx.widen(f));
            assertEquals(2 * 7 * 4, w.length);
            for (int b = 0; b < 2; b++) {
                for (int p = 0; p < 7; p++) {
                    for (int d = 0; d < 4; d++) {
                        assertEquals(v[(b * 3 + Math.min(p, 2)) * 4 + d], w[(b * 7 + p) * 4 + d]);
                    }
                }
            }
        }
    }

    /**
     * Prompts as long as the context: the scan inserts its vectors after BOS and cuts back to the context length, which
     * must remove padding only. The shadow prompts are tokenised with room for the most vectors any start inserts, so
     * every triggered sequence still has its EOS where pooling reads it (before, a full-length prompt lost it and the
     * pooled output was read at position 0, the same for every prompt).
     */
    @Test
    void triggeredSequencesOfFullLengthPromptsKeepTheirEos() {
        ScanContext ctx = context(small().optStarts(2).optMixedTokens(true).build());
        assertEquals(2, ctx.cfg.maxTokens());
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            prompts.add(String.join(" ", ShadowSet.synthetic(4, i).prompts())); // far beyond 12 tokens
        }
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            int[] perm = ShadowSplit.permutation(40, new SplittableRandom(1));
            ShadowSplit split = ShadowSplit.encode(ctx, prompts, perm, 32);
            for (int k = 1; k <= 2; k++) {
                long[] ids = Torch.toLongs(Sequences.insertIds(split.ids, k, 50));
                for (int row = 0; row < 40; row++) {
                    long eos = 0;
                    for (int p = 0; p < TinyTextEncoder.LENGTH; p++) {
                        eos += ids[row * TinyTextEncoder.LENGTH + p] == 2 ? 1 : 0;
                    }
                    assertEquals(1, eos, "row " + row + " with " + k + " inserted vector(s) has one EOS");
                }
            }
            // without the room, the same prompts lose their EOS on insertion
            long[] plain = Torch.toLongs(Sequences.insertIds(suspect.idsTensor(prompts), 1, 50));
            for (int p = 0; p < TinyTextEncoder.LENGTH; p++) {
                assertNotEquals(2, plain[p], "the test's prompts must be long enough to lose the EOS without room");
            }
        }
    }

    @Test
    void theChunkedShadowEncodeEqualsOneForwardOfAllPrompts() {
        // 37 prompts in chunks of 8: side-by-side pairs and a lone last chunk
        ScanEngine engine = new ScanEngine(small().build(), suspect, anchor, ScanListener.none(), new ScanClock());
        List<String> prompts = ShadowSet.synthetic(37, 5).prompts();
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            Tensor ids = suspect.idsTensor(prompts);
            float[] chunked = Torch.toFloats(engine.encodeIds(ids));
            float[] whole = Torch.toFloats(suspect.transform(suspect.embed(ids)));
            assertArrayEquals(whole, chunked, 1e-6f);
        }
    }

    @Test
    void theInversionFollowsItsMonitor() {
        ScanContext ctx = context(small().optEpochs(3).build());
        try (PointerScope s = new PointerScope()) {
            Tensor trainIds = suspect.idsTensor(ShadowSet.synthetic(10, 1).prompts());
            // 10 train prompts in batches of 4: 3 batches an epoch
            TriggerInversion all = TriggerInversion.start(ctx, new SplittableRandom(1), 10);
            all.run(new SplittableRandom(2), 10, trainIds, rows -> rows.length, (ep, b, st, run) ->
                    TriggerInversion.Next.CONTINUE);
            assertEquals(9, all.steps());
            assertArrayEquals(new double[] {4, 4, 2, 4, 4, 2, 4, 4, 2}, all.losses());
            TriggerInversion firstOfEach = TriggerInversion.start(ctx, new SplittableRandom(1), 10);
            firstOfEach.run(new SplittableRandom(2), 10, trainIds, rows -> 1, (ep, b, st, run) ->
                    TriggerInversion.Next.NEXT_EPOCH);
            assertEquals(3, firstOfEach.steps());
            TriggerInversion stopped = TriggerInversion.start(ctx, new SplittableRandom(1), 10);
            stopped.run(new SplittableRandom(2), 10, trainIds, rows -> 1, (ep, b, st, run) -> st == 5
                    ? TriggerInversion.Next.STOP : TriggerInversion.Next.CONTINUE);
            assertEquals(5, stopped.steps());
            assertEquals(1.0, stopped.runningMean());
            TriggerInversion broken = TriggerInversion.start(ctx, new SplittableRandom(1), 10);
            ScanException e = assertThrows(ScanException.class, () -> broken.run(new SplittableRandom(2), 10,
                    trainIds, rows -> Double.NaN, (ep, b, st, run) -> TriggerInversion.Next.CONTINUE));
            assertTrue(e.getMessage().contains("at step 1") && e.getMessage().contains("no verdict"),
                    e.getMessage());
        }
    }

    @Test
    void aShadowSetTooSmallToSplitIsRefusedBeforeAnyWork() {
        assertEquals(32, ShadowSplit.trainSize(40, 0.8));
        ScanException e = assertThrows(ScanException.class, () -> ShadowSplit.trainSize(1, 0.8));
        assertTrue(e.getMessage().contains("need at least one train and one test prompt"), e.getMessage());
    }

    @Test
    void bothModesScanEndToEndAndRepeatBitForBit() {
        for (DecisionMode mode : DecisionMode.values()) {
            DetectorConfig cfg = small().optMode(mode).build();
            ShadowSet shadow = ShadowSet.synthetic(40, 0);
            ScanReport a = new BackdoorDetector(cfg).scan(suspect, anchor, shadow);
            ScanReport b = new BackdoorDetector(cfg).scan(suspect, anchor, shadow);
            assertArrayEquals(a.evidence().losses(), b.evidence().losses(), mode.label());
            assertEquals(a.verdict(), b.verdict());
            assertEquals(a.decision(), b.decision());
            assertEquals(a.evidence().steps(), a.evidence().losses().length);
            assertEquals(2 * 8, a.evidence().plannedSteps(), "32 train prompts in batches of 4, 2 epochs");
            assertEquals(8, a.evidence().test().prompts());
            assertEquals(a.embedding().tokens() * TinyTextEncoder.WIDTH, a.embedding().values().length);
            assertEquals(5, a.explanation().prompts().size());
            assertNotNull(a.evidence().landscape());
            if (mode == DecisionMode.REFERENCE) {
                assertNull(a.evidence().calibration());
            } else {
                assertNotNull(a.evidence().calibration());
            }
            if (mode == DecisionMode.ROBUST) {
                assertEquals(3, a.evidence().robust().starts().size(), "two inversion starts and the token start");
                assertTrue(a.evidence().robust().starts().get(2).label().startsWith("start 3 (token '"),
                        a.evidence().robust().starts().get(2).label());
                assertEquals(a.evidence().robust(), b.evidence().robust());
            } else {
                assertNull(a.evidence().robust());
            }
        }
    }
}

package org.amdet.encoders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.amdet.DetectorConfig;
import org.amdet.Encoders;
import org.amdet.ScanListener;
import org.amdet.internal.scan.ScanClock;
import org.amdet.internal.scan.JudgeValues;
import org.amdet.internal.scan.ScanEngine;
import org.amdet.internal.scan.Sequences;
import org.amdet.internal.torch.Torch;
import org.amdet.internal.torch.TorchLosses;
import org.amdet.spi.TorchTextEncoder;
import org.amdet.landscape.HessianSpectrum;
import org.amdet.safetensors.SafetensorsFile;
import org.amdet.testing.TestData;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parity with the reference implementation's own code (testdata/hf/amdet-golden.*, suspect clip-tiny, anchor
 * clip-tiny-anchor): embedding layer, constructed sequence, features, the three loss terms, the objective, its
 * gradient with respect to the inserted vector, the judges and the landscape surface. Tolerance 1e-5.
 */
class AmdetGoldenTest {
    static final double TOL = 1e-5;
    @TempDir
    static Path tmp;
    static TorchTextEncoder suspect;
    static TorchTextEncoder anchor;
    static SafetensorsFile g;
    static JsonNode json;

    @BeforeAll
    static void load() throws Exception {
        suspect = (TorchTextEncoder) Encoders.load(TestData.hf("clip-tiny"));
        // the anchor fixture ships no tokenizer: it shares clip-tiny's
        Path a = tmp.resolve("anchor");
        Files.createDirectories(a);
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(TestData.hf("clip-tiny-anchor").resolve(f), a.resolve(f));
        }
        for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(TestData.hf("clip-tiny").resolve(f), a.resolve(f));
        }
        anchor = (TorchTextEncoder) Encoders.load(a);
        g = SafetensorsFile.open(TestData.hf("amdet-golden.safetensors"));
        json = new ObjectMapper().readTree(TestData.hf("amdet-golden.json").toFile());
    }

    @AfterAll
    static void close() {
        suspect.close();
        anchor.close();
        g.close();
    }

    static Tensor golden(String name) throws Exception {
        return Torch.floats(g.readFloats(name), g.entry(name).shape());
    }

    static double maxDiff(Tensor a, Tensor b) {
        float[] x = Torch.toFloats(a);
        float[] y = Torch.toFloats(b);
        assertEquals(x.length, y.length);
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    @Test
    void featuresAndLossesMatchReference() throws Exception {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor ids = Torch.longs(g.readLongs("input_ids"), 4, 77);
            Tensor hidden = suspect.embed(ids);
            assertTrue(maxDiff(hidden, golden("hidden")) < TOL, "hidden");
            Tensor constructed = Sequences.insert(hidden, golden("e"));
            assertTrue(maxDiff(constructed, golden("constructed")) < TOL, "constructed");
            Tensor f = suspect.transform(constructed);
            Tensor fa = anchor.transform(constructed);
            assertTrue(maxDiff(f, golden("feature")) < TOL, "feature " + maxDiff(f, golden("feature")));
            assertTrue(maxDiff(fa, golden("anchor_feature")) < TOL, "anchor_feature");
            assertTrue(maxDiff(suspect.transform(hidden), golden("original_feature")) < TOL, "original_feature");

            Tensor gf = golden("feature");
            Tensor ga = golden("anchor_feature");
            Tensor go = golden("original_feature");
            assertEquals(json.get("loss_assimilation").asDouble(), Torch.item(TorchLosses.assimilation(gf)), TOL);
            assertEquals(json.get("loss_similarity").asDouble(), Torch.item(TorchLosses.deviation(go, gf)), TOL);
            assertEquals(json.get("loss_anchor").asDouble(), Torch.item(TorchLosses.anchor(ga, gf)), TOL);
            assertEquals(json.get("loss").asDouble(), Torch.item(TorchLosses.objective(gf, go, ga, 0.1, 0.1)), TOL);
            // and end to end from our own features
            assertEquals(json.get("loss").asDouble(), Torch.item(TorchLosses.objective(f, go, fa, 0.1, 0.1)), TOL);
        }
    }

    @Test
    void gradientWithRespectToInsertedVectorMatchesReference() throws Exception {
        try (PointerScope s = new PointerScope()) {
            Tensor ids = Torch.longs(g.readLongs("input_ids"), 4, 77);
            Tensor hidden;
            Tensor original;
            try (NoGradGuard ng = new NoGradGuard()) {
                hidden = suspect.embed(ids);
                original = suspect.transform(hidden);
            }
            Tensor e = golden("e");
            e.requires_grad_(true);
            Tensor x = Sequences.insert(hidden, e);
            Tensor obj = TorchLosses.objective(suspect.transform(x), original, anchor.transform(x), 0.1, 0.1);
            obj.backward();
            double d = maxDiff(e.grad(), golden("grad"));
            assertTrue(d < TOL, "gradient differs by " + d);
        }
    }

    @Test
    void batchedJudgesMatchReferenceOnePromptAtATime() throws Exception {
        ScanEngine engine = new ScanEngine(DetectorConfig.builder().optForwardBatch(5).build(), suspect, anchor,
                ScanListener.none(), new ScanClock());
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor ids = Torch.longs(g.readLongs("judge_input_ids"), 16, 77);
            Tensor hidden = suspect.embed(ids);
            Tensor original = suspect.transform(hidden);
            JudgeValues j = engine.judge(golden("e"), hidden, original);
            JsonNode want = json.get("judges");
            assertEquals(want.get("assimilation_ratio").asDouble(), j.share(j.assimilation(), 0.8, true, 0), 1e-12);
            assertEquals(want.get("same_target").asDouble(), j.share(j.cosFirst(), 0.92, true, 1), 1e-12);
            assertEquals(want.get("different_target").asDouble(), j.share(j.cosAnchor(), 0.0, false, 0), 1e-12);
        }
    }

    @Test
    void landscapeSurfaceReEvaluatedThroughTheCoreMatchesReference() throws Exception {
        ScanEngine engine = new ScanEngine(DetectorConfig.defaults(), suspect, anchor, ScanListener.none(),
                new ScanClock());
        double[] grid = new double[json.get("grid").size()];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = json.get("grid").get(i).asDouble();
        }
        int n = grid.length;
        double[] a = new double[n * n];
        double[] b = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i * n + j] = grid[i];
                b[i * n + j] = grid[j];
            }
        }
        double[] want = g.readDoubles("surface");
        try (PointerScope s = new PointerScope()) {
            Tensor ids = Torch.longs(g.readLongs("input_ids"), 4, 77).narrow(0, 0, 1);
            Tensor hidden;
            Tensor original;
            try (NoGradGuard ng = new NoGradGuard()) {
                hidden = suspect.embed(ids);
                original = suspect.transform(hidden);
            }
            double[] got = engine.gridValues(g.readFloats("e"), g.readFloats("d1"), g.readFloats("d2"), a, b, hidden,
                    original.to(org.bytedeco.pytorch.global.torch.ScalarType.Float), 64);
            double m = 0;
            for (int i = 0; i < got.length; i++) {
                m = Math.max(m, Math.abs(got[i] - want[i]));
            }
            assertTrue(m < TOL, "surface differs by " + m);
        }
        double[][] surface = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                surface[i][j] = want[i * n + j];
            }
        }
        assertEquals(json.get("positive_ratio_eps_1e-6").asDouble(), HessianSpectrum.of(surface).positiveRatio(1e-6));
    }
}

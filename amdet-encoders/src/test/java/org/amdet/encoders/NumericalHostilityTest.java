package org.amdet.encoders;

import org.amdet.BackdoorDetector;
import org.amdet.DetectorConfig;
import org.amdet.EncoderOptions;
import org.amdet.Encoders;
import org.amdet.MalformedModelException;
import org.amdet.ModelLoadException;
import org.amdet.Precision;
import org.amdet.ScanException;
import org.amdet.ScanReport;
import org.amdet.ScanReports;
import org.amdet.ShadowSet;
import org.amdet.TextEncoder;
import org.amdet.UnsupportedModelException;
import org.amdet.safetensors.SafetensorsFile;
import org.amdet.safetensors.SafetensorsWriter;
import org.amdet.safetensors.TensorEntry;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Numerically hostile models, made by rewriting zoo models with {@link SafetensorsWriter}: zero or infinite
 * weights, weights that overflow in the forward pass or in reduced precision, constant outputs. Each is either a
 * typed error that names the broken model or a verdict with a warning — never a report holding NaN.
 */
class NumericalHostilityTest {
    /** Small and fast: 20 prompts, one epoch, 5×5 landscapes (their statistics are part of the report). */
    static final DetectorConfig TINY = DetectorConfig.builder().optShadowSize(20).optEpochs(1).optHashFiles(false)
            .optEvidenceLandscapeSize(5).optLandscapeSize(5).build();

    @TempDir
    Path tmp;

    /** A copy of zoo model {@code src} whose tensors (as float32) are replaced by {@code f(name, values)}. */
    private Path damaged(String name, String src, BiFunction<String, float[], float[]> f) throws IOException {
        Path dst = Files.createDirectory(tmp.resolve(name));
        Path from = TestData.zoo(src);
        for (String n : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(from.resolve(n), dst.resolve(n));
        }
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile sf = SafetensorsFile.open(from.resolve("model.safetensors"))) {
            for (TensorEntry e : sf.tensors().values()) {
                w.putFloats(e.name(), f.apply(e.name(), sf.readFloats(e.name())), e.shape());
            }
        }
        w.write(dst.resolve("model.safetensors"));
        return dst;
    }

    private static float[] fill(float[] v, float x) {
        float[] out = v.clone();
        Arrays.fill(out, x);
        return out;
    }

    private static ModelLoadException loadFails(Path model, Precision p) {
        return assertThrows(ModelLoadException.class, () -> {
            try (TextEncoder e = Encoders.load(model, EncoderOptions.defaults().withPrecision(p))) {
                e.info();
            }
        });
    }

    private static ScanReport scan(Path suspect, Path anchor) throws ModelLoadException {
        try (TextEncoder s = Encoders.load(suspect); TextEncoder a = Encoders.load(anchor)) {
            return new BackdoorDetector(TINY).scan(s, a, ShadowSet.synthetic(TINY.shadowSize(), 1));
        }
    }

    private static void assertNoNaN(ScanReport r) {
        String json = ScanReports.toJson(r);
        assertFalse(json.contains("NaN") || json.contains("Infinity"), "the report holds a non-finite number");
    }

    @Test
    void allZeroTokenEmbeddingsAreRefusedAtLoad() throws IOException {
        Path m = damaged("zero-tokens", "backdoor-1", (n, v) -> n.contains("token_embedding") ? new float[v.length] : v);
        ModelLoadException e = loadFails(m, Precision.FP32);
        assertEquals(MalformedModelException.class, e.getClass(), e::toString);
        assertTrue(e.getMessage().contains(m.resolve("model.safetensors").toString())
                && e.getMessage().contains("all 1119 token embeddings are identical"), e.getMessage());
    }

    /** The construction of issue 6 ("zero every weight but the final layer norm's bias"): refused the same way. */
    @Test
    void zeroWeightsExceptTheFinalLayerNormBiasAreRefusedAtLoad() throws IOException {
        Path m = damaged("zero-but-bias", "backdoor-1", (n, v) -> n.endsWith("final_layer_norm.bias") ? v
                : new float[v.length]);
        ModelLoadException e = loadFails(m, Precision.FP32);
        assertEquals(MalformedModelException.class, e.getClass(), e::toString);
        assertTrue(e.getMessage().contains("token embeddings are identical"), e.getMessage());
    }

    /** Final layer norm with zero weight: every output token of every prompt is its bias. */
    @Test
    void constantOutputsGiveAVerdictWithAWarningAndNoNaN() throws IOException {
        Path m = damaged("constant", "backdoor-1", (n, v) -> n.endsWith("final_layer_norm.weight")
                ? new float[v.length] : v);
        ScanReport r = scan(m, TestData.zoo("base"));
        assertNoNaN(r);
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("outputs may be constant")), r.warnings()::toString);
        assertEquals(1.0, r.evidence().test().assimilationMean(), 1e-6);
    }

    @Test
    void negativeInfinityInTheTokenEmbeddingIsRefusedAtLoad() throws IOException {
        Path m = damaged("minus-inf", "backdoor-1", (n, v) -> {
            if (n.contains("token_embedding")) {
                v[17] = Float.NEGATIVE_INFINITY;
            }
            return v;
        });
        ModelLoadException e = loadFails(m, Precision.FP32);
        assertEquals(MalformedModelException.class, e.getClass(), e::toString);
        assertTrue(e.getMessage().contains("token_embedding.weight' holds 1 NaN or infinite value(s)"),
                e.getMessage());
    }

    /** Finite weights (3e38) whose products overflow float32 in the forward pass. */
    @Test
    void weightsThatOverflowInTheForwardPassAreAScanErrorNamingTheSuspect() throws IOException {
        Path m = damaged("overflow", "backdoor-1", (n, v) -> n.endsWith("layers.0.mlp.fc2.weight") ? fill(v, 3e38f)
                : v);
        ScanException e = assertThrows(ScanException.class, () -> scan(m, TestData.zoo("base")));
        assertTrue(e.getMessage().contains("the suspect's clean outputs hold NaN or infinite values on " + m)
                && e.getMessage().contains("no verdict can be given"), e.getMessage());
    }

    /** A weight of 1e6 is fine in fp32 and bf16 but infinite in fp16 (largest 65504). */
    @Test
    void weightsBeyondTheFp16RangeAreRefusedWhenLoadingInFp16() throws Exception {
        Path m = damaged("big", "backdoor-1", (n, v) -> {
            if (n.endsWith("layers.0.mlp.fc2.weight")) {
                v[5] = 1e6f;
            }
            return v;
        });
        ModelLoadException e = loadFails(m, Precision.FP16);
        assertEquals(UnsupportedModelException.class, e.getClass(), e::toString);
        assertTrue(e.getMessage().contains("layers.0.mlp.fc2.weight' holds values beyond the range of fp16")
                && e.getMessage().contains("1000000") && e.getMessage().contains("load the model in fp32 or bf16"),
                e.getMessage());
        try (TextEncoder enc = Encoders.load(m)) {
            assertEquals(Precision.FP32, enc.info().precision());
        }
    }

    /**
     * An anchor whose forward pass overflows makes the objective NaN at step 1; today the ScanException names the
     * model whose features are non-finite, so a user does not blame the suspect.
     */
    @Test
    void anchorWhoseForwardPassOverflowsIsNamedAsTheBrokenModel() throws IOException {
        Path anchor = damaged("overflowing-anchor", "base", (n, v) -> n.endsWith("layers.0.mlp.fc2.weight")
                ? fill(v, 3e38f) : v);
        ScanException e = assertThrows(ScanException.class, () -> scan(TestData.zoo("backdoor-1"), anchor));
        assertTrue(e.getMessage().contains("anchor") && e.getMessage().contains(anchor.toString()), e.getMessage());
    }

    /**
     * An anchor with constant outputs (final layer norm weight zero) makes the anchor term and the different-target
     * judge meaningless: the report says so in a warning.
     */
    @Test
    void anchorWithConstantOutputsGivesAWarning() throws IOException {
        Path anchor = damaged("constant-anchor", "base", (n, v) -> n.endsWith("final_layer_norm.weight")
                ? new float[v.length] : v);
        ScanReport r = scan(TestData.zoo("backdoor-1"), anchor);
        assertNoNaN(r);
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("anchor")), r.warnings()::toString);
    }
}

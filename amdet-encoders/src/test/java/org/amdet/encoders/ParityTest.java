package org.amdet.encoders;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.amdet.EncoderOptions;
import org.amdet.Encoders;
import org.amdet.Encoding;
import org.amdet.Precision;
import org.amdet.TextEncoder;
import org.amdet.safetensors.SafetensorsFile;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parity with Hugging Face {@code transformers} 5.17 (testdata/hf, see its README): token ids exactly, embeddings,
 * last_hidden_state and pooled output within 1e-4 absolute in fp32.
 */
class ParityTest {
    static final double TOL = 1e-4;
    static List<String> prompts;

    @BeforeAll
    static void prompts() throws Exception {
        prompts = Arrays.asList(new ObjectMapper().readValue(TestData.hf("prompts.json").toFile(), String[].class));
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length, "length");
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static void check(Path model, Path golden, Precision precision, double tol) throws Exception {
        try (TextEncoder enc = Encoders.load(model, EncoderOptions.defaults().withPrecision(precision));
             SafetensorsFile g = SafetensorsFile.open(golden.resolve("golden.safetensors"))) {
            Encoding e = enc.encode(prompts);
            long[] ids = g.readLongs("input_ids");
            long[] got = Arrays.stream(e.inputIds()).flatMapToLong(Arrays::stream).toArray();
            assertArrayEquals(ids, got, "input_ids of " + model);
            if (g.tensors().containsKey("embeddings")) {
                double d = maxAbsDiff(g.readFloats("embeddings"), e.embeddings());
                assertTrue(d < tol, "embeddings differ by " + d);
            }
            double d = maxAbsDiff(g.readFloats("last_hidden_state"), e.lastHiddenState());
            assertTrue(d < tol, "last_hidden_state of " + model + " differs by " + d);
            String pooledName = g.tensors().containsKey("text_embeds") ? "text_embeds" : "pooler_output";
            double dp = maxAbsDiff(g.readFloats(pooledName), e.pooled());
            assertTrue(dp < tol, pooledName + " of " + model + " differs by " + dp);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"clip-tiny", "clip-gelu-tiny", "longclip-tiny", "siglip-tiny", "clip-tiny-fp16",
            "clip-tiny-bf16"})
    void fp32MatchesTransformers(String name) throws Exception {
        check(TestData.hf(name), TestData.hf(name), Precision.FP32, TOL);
    }

    @org.junit.jupiter.api.Test
    void longClipReleaseLayoutReproducesHfGoldens() throws Exception {
        Path pt = TestData.hf("longclip-tiny").resolve("openai_layout_state_dict.pt");
        try (TextEncoder enc = Encoders.load(pt)) {
            assertEquals("longclip", enc.info().family());
            assertEquals(248, enc.info().contextLength());
        }
        check(pt, TestData.hf("longclip-tiny"), Precision.FP32, TOL);
    }

    /**
     * Reduced-precision compute against the fp32 goldens. Documented bound (README): bf16 compute stays within 0.1
     * absolute on last_hidden_state and 0.1 on the pooled output of these layer-normed tiny models; fp16 within 0.02.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bf16", "fp16"})
    void reducedPrecisionStaysWithinDocumentedBound(String p) throws Exception {
        Precision precision = Precision.parse(p);
        double bound = precision == Precision.BF16 ? 0.1 : 0.02;
        for (String name : List.of("clip-tiny", "siglip-tiny", "longclip-tiny")) {
            try (TextEncoder enc = Encoders.load(TestData.hf(name), EncoderOptions.defaults().withPrecision(precision));
                 SafetensorsFile g = SafetensorsFile.open(TestData.hf(name).resolve("golden.safetensors"))) {
                Encoding e = enc.encode(prompts);
                double d = maxAbsDiff(g.readFloats("last_hidden_state"), e.lastHiddenState());
                assertTrue(d < bound, p + " last_hidden_state of " + name + " differs by " + d);
                assertTrue(d > 0, "reduced precision must not be silently fp32");
            }
        }
    }

    /**
     * Legacy configs (openai ViT-L/14, SD 1.x) say eos_token_id 2; transformers then pools at argmax(input_ids). In the
     * fixture vocabulary EOS is id 1, so argmax pooling picks the largest content token instead: the pooled output
     * must equal the projected last_hidden_state at that position, not at the EOS.
     */
    @org.junit.jupiter.api.Test
    void legacyEosTokenIdTwoPoolsAtArgmaxOfIds(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path m = tmp.resolve("legacy");
        java.nio.file.Files.createDirectories(m);
        for (String f : List.of("model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            java.nio.file.Files.copy(TestData.hf("clip-tiny").resolve(f), m.resolve(f));
        }
        String cfg = java.nio.file.Files.readString(TestData.hf("clip-tiny").resolve("config.json"))
                .replace("\"eos_token_id\": 1", "\"eos_token_id\": 2");
        assertTrue(cfg.contains("\"eos_token_id\": 2"));
        java.nio.file.Files.writeString(m.resolve("config.json"), cfg);
        List<String> one = List.of("a photo of a cat");
        try (TextEncoder legacy = Encoders.load(m); TextEncoder normal = Encoders.load(TestData.hf("clip-tiny"))) {
            Encoding l = legacy.encode(one);
            Encoding n = normal.encode(one);
            long[] ids = l.inputIds()[0];
            int argmax = 0;
            for (int i = 1; i < ids.length; i++) {
                if (ids[i] > ids[argmax]) {
                    argmax = i;
                }
            }
            assertTrue(ids[argmax] != 1, "the largest id is a content token");
            assertTrue(maxAbsDiff(l.pooled(), n.pooled()) > 1e-3, "pooling moved away from the EOS");
            // pooled = text_projection · last_hidden_state[argmax]
            try (SafetensorsFile w = SafetensorsFile.open(m.resolve("model.safetensors"))) {
                float[] proj = w.readFloats("text_projection.weight");
                int d = l.hidden();
                int p = l.pooledSize();
                float[] want = new float[p];
                for (int o = 0; o < p; o++) {
                    double s = 0;
                    for (int k = 0; k < d; k++) {
                        s += proj[o * d + k] * l.lastHiddenState()[argmax * d + k];
                    }
                    want[o] = (float) s;
                }
                assertTrue(maxAbsDiff(want, l.pooled()) < 1e-4, "pooled at argmax");
            }
        }
    }
}

package org.amdet.encoders.zoo;

import org.amdet.EncoderInfo;
import org.amdet.Encoders;
import org.amdet.Encoding;
import org.amdet.TextEncoder;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pretrain} from the fixture configs: short runs whose loss falls, whose folders reload in the family of
 * their config, and whose zoo.json says how they were made.
 */
class PretrainTest {
    private static PretrainConfig.Builder shortRun(String fixture, Path out) {
        Path f = TestData.hf(fixture);
        return PretrainConfig.builder().setConfig(f.resolve("config.json")).setTokenizer(f.resolve("tokenizer.json"))
                .setOut(out).optSteps(30).optPairs(32).optHeldOut(32).optSeed(7);
    }

    @Test
    void siglipLayout(@TempDir Path tmp) throws Exception {
        lossFallsAndTheFolderReloads("siglip-tiny", "siglip", 64, false, tmp);
    }

    @Test
    void longclipLayout(@TempDir Path tmp) throws Exception {
        lossFallsAndTheFolderReloads("longclip-tiny", "longclip", 248, true, tmp);
    }

    @Test
    void clipGeluLayout(@TempDir Path tmp) throws Exception {
        lossFallsAndTheFolderReloads("clip-gelu-tiny", "clip", 77, true, tmp);
    }

    private static void lossFallsAndTheFolderReloads(String fixture, String family, int positions, boolean causal,
                                                     Path tmp) throws Exception {
        Path out = tmp.resolve("base");
        int[] calls = {0};
        BuildResult r = ZooBuilder.pretrain(shortRun(fixture, out).build(), (s, t, l) -> calls[0]++);
        assertEquals(30, calls[0]);
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
        ZooManifest m = r.manifest();
        assertEquals("anchor", m.kind());
        assertEquals(m, ZooManifest.read(out.resolve("zoo.json")));
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) m.fields().get("pretrain");
        double first = ((Number) p.get("loss_first_mean")).doubleValue();
        double last = ((Number) p.get("loss_last_mean")).doubleValue();
        assertTrue(last < first - 0.3, "loss " + first + " -> " + last);
        assertTrue(((Number) p.get("heldout_token_loss")).doubleValue()
                < ((Number) p.get("heldout_token_loss_init")).doubleValue(), p.toString());
        if (causal) {
            // SigLIP pools the last (padding) position: its contrastive term sits at ln(pairs) for the first tens
            // of steps, until attention routes the prompt into that position, so 30 steps show only the token term
            assertTrue(((Number) p.get("heldout_infonce")).doubleValue()
                    < ((Number) p.get("heldout_infonce_init")).doubleValue(), p.toString());
        }
        assertEquals(30, ((List<?>) p.get("loss_curve")).size());
        String objective = (String) p.get("objective");
        assertEquals(causal, objective.contains("next-token prediction"), objective);
        assertEquals(!causal, objective.contains("randomly replaced tokens"), objective);
        Path src = TestData.hf(fixture);
        for (String file : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
            assertArrayEquals(Files.readAllBytes(src.resolve(file)), Files.readAllBytes(out.resolve(file)), file);
        }
        try (TextEncoder e = Encoders.load(out); TextEncoder fix = Encoders.load(src)) {
            EncoderInfo info = e.info();
            assertEquals(family, info.family());
            assertEquals(positions, info.contextLength());
            assertEquals(causal, info.causal());
            assertEquals(fix.info().pooledSize(), info.pooledSize());
            Encoding enc = e.encode(List.of("a red fox in the snow", "an old castle at night, oil painting"));
            float[] pooled = enc.pooled();
            int w = enc.pooledSize();
            assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOfRange(pooled, 0, w),
                    java.util.Arrays.copyOfRange(pooled, w, 2 * w)), "distinct prompts, distinct outputs");
        }
    }

    @Test
    void aTokenizerLargerThanTheVocabularyIsRefused(@TempDir Path tmp) throws Exception {
        String cfg = Files.readString(TestData.hf("siglip-tiny").resolve("config.json"))
                .replace("\"vocab_size\": 1119", "\"vocab_size\": 200");
        Path small = Files.writeString(tmp.resolve("config.json"), cfg);
        Path out = tmp.resolve("out");
        String msg = assertThrows(ZooInputException.class, () -> ZooBuilder.pretrain(shortRun("siglip-tiny", out)
                .setConfig(small).build(), ZooListener.none())).getMessage();
        assertTrue(msg.contains("vocab_size"), msg);
        assertFalse(Files.exists(out), "nothing written");
        try (var s = Files.list(tmp)) {
            assertEquals(List.of("config.json"), s.map(x -> x.getFileName().toString()).toList(),
                    "no staging folder left behind");
        }
    }

    @Test
    void missingInputsAreNamed(@TempDir Path tmp) {
        String msg = assertThrows(ZooInputException.class, () -> ZooBuilder.pretrain(shortRun("clip-tiny",
                tmp.resolve("o")).setConfig(tmp.resolve("nope.json")).build(), ZooListener.none())).getMessage();
        assertTrue(msg.contains("nope.json"), msg);
        msg = assertThrows(ZooInputException.class, () -> PretrainConfig.builder().setConfig(tmp).setTokenizer(tmp)
                .setOut(tmp).optPairs(1).build()).getMessage();
        assertTrue(msg.contains("at least 2"), msg);
    }

    @Test
    void theLossCurveAveragesConsecutiveSteps() {
        double[] l = new double[120];
        for (int i = 0; i < l.length; i++) {
            l[i] = i;
        }
        List<List<Number>> c = BasePretrain.curve(l);
        assertEquals(40, c.size(), "ceil(120 / 50) = 3 steps a point");
        assertEquals(3, c.get(0).get(0).intValue());
        assertEquals(1.0, c.get(0).get(1).doubleValue(), 1e-12);
        assertEquals(120, c.get(39).get(0).intValue());
        assertEquals(118.0, c.get(39).get(1).doubleValue(), 1e-12);
    }
}

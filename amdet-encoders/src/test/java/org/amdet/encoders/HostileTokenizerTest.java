package org.amdet.encoders;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.amdet.InputLimitException;
import org.amdet.InputLimits;
import org.amdet.ModelLoadException;
import org.amdet.TokenizerException;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tokenizer.json components on which the Rust tokenizers library panics — which aborts the JVM, since a panic cannot
 * unwind through JNI — are refused at load with a {@link TokenizerException} naming the file and the component
 * (issue 12 and what fuzzing found since); the components real tokenizers use still load; token texts for reports
 * never run the native decoder; prompts are bounded by {@link InputLimits#PROMPT_CHARS}. Before the allow-list each
 * refused case here aborted the test JVM, at load, on the first prompt, or (the decoder) after a whole scan.
 */
class HostileTokenizerTest {
    @TempDir
    Path tmp;

    /** A model folder holding only {@code tj} as tokenizer.json and clip-tiny's tokenizer_config.json. */
    private Path folder(JsonNode tj) throws IOException {
        Path m = Files.createDirectories(tmp.resolve("m"));
        Files.copy(TestData.hf("clip-tiny").resolve("tokenizer_config.json"), m.resolve("tokenizer_config.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.write(m.resolve("tokenizer.json"), HfConfig.JSON.writer()
                .with(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII).writeValueAsBytes(tj));
        return m;
    }

    /** clip-tiny's tokenizer.json with {@code first} put before its normalizers. */
    private static ObjectNode withNormalizerFirst(JsonNode first) {
        ObjectNode tj = TokenizerVariants.clip();
        ((ArrayNode) tj.get("normalizer").get("normalizers")).insert(0, first);
        return tj;
    }

    private static ObjectNode precompiled(byte[] charsmap) {
        return HfConfig.JSON.createObjectNode().put("type", "Precompiled")
                .put("precompiled_charsmap", Base64.getEncoder().encodeToString(charsmap));
    }

    private TokenizerException refused(JsonNode tj, String... says) throws IOException {
        Path m = folder(tj);
        TokenizerException e = assertThrows(TokenizerException.class, () -> TextTokenizer.load(m, "clip", 77, -1));
        assertTrue(e.getMessage().startsWith(m.resolve("tokenizer.json") + ": "), e.getMessage());
        for (String s : says) {
            assertTrue(e.getMessage().contains(s), () -> "'" + s + "' in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void precompiledCharsmapWithoutATrieIsRefusedAtLoad() throws IOException {
        // the "AAAAAA==": four zero bytes, a trie of 0 units; the library indexed unit 0 of it on the
        // first character it normalised
        refused(withNormalizerFirst(precompiled(Base64.getDecoder().decode("AAAAAA=="))),
                "normalizer.normalizers[0] (Precompiled).precompiled_charsmap", "the trie is empty");
    }

    @Test
    void precompiledCharsmapWhoseTrieIndexesPastItsEndIsRefusedAtLoad() throws IOException {
        // 241 zero units: ASCII and the load probes pass, any lead byte from 0xF1 on (U+F0000, tag characters,
        // flag emoji sequences) read unit 0xF1 of 241 and aborted the JVM
        ByteBuffer b = ByteBuffer.allocate(4 + 241 * 4).order(ByteOrder.LITTLE_ENDIAN).putInt(241 * 4);
        refused(withNormalizerFirst(precompiled(b.array())), "(Precompiled)", "reads unit 241 of 241 for byte 0xf1");
    }

    @Test
    void precompiledCharsmapPointingInsideACharacterIsRefusedAtLoad() throws IOException {
        Map<String, String> rules = new LinkedHashMap<>();
        rules.put("a", "x");
        rules.put("\uFF21", "\u00E9");            // value 2: the text is "x\0é\0"
        byte[] map = TokenizerVariants.charsmap(rules);
        ByteBuffer b = ByteBuffer.wrap(map).order(ByteOrder.LITTLE_ENDIAN);
        int units = b.getInt(0) / 4;
        int changed = 0;
        for (int i = 0; i < units; i++) {
            if (b.getInt(4 + 4 * i) == 2) {
                b.putInt(4 + 4 * i, 3);             // inside the two bytes of é
                changed++;
            }
        }
        assertEquals(1, changed);
        refused(withNormalizerFirst(precompiled(map)), "replacement offset 3", "inside a character");
    }

    @Test
    void validPrecompiledCharsmapStillLoadsNormalisesAndEncodesAnyText() throws Exception {
        byte[] map = TokenizerVariants.charsmap(Map.of("\uFF21", "A", "\uFB01", "fi"));
        assertEquals(null, TokenizerComponents.checkCharsmap(map));
        try (TextTokenizer t = TextTokenizer.load(folder(withNormalizerFirst(precompiled(map))), "clip", 77, -1);
             TextTokenizer plain = TextTokenizer.load(TestData.hf("clip-tiny"), "clip", 77, -1)) {
            assertArrayEquals(plain.encode(List.of("a photo of a fish"))[0],
                    t.encode(List.of("\uFF21 photo of a \uFB01sh"))[0]);
            for (long[] row : t.encode(List.of("\uDB80\uDC00 private use", "flag \uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62"
                    + "\uDB40\uDC65\uDB40\uDC6E\uDB40\uDC67\uDB40\uDC7F", "\uDBFF\uDFFD\uDB40\uDC01"))) {
                assertEquals(77, row.length);
            }
        }
    }

    @Test
    void decoderThatPanickedAfterAWholeScanIsRefusedAtLoad() throws IOException {
        // the decoder: every token becomes ">", then Strip cuts one ">" from each end of a 1-character
        // token; it aborted the JVM while the report's closest tokens were decoded, after the scan
        ObjectNode tj = TokenizerVariants.clip();
        tj.set("decoder", HfConfig.JSON.readTree("{\"type\": \"Sequence\", \"decoders\": [{\"type\": \"Replace\", "
                + "\"pattern\": {\"Regex\": \"^.*$\"}, \"content\": \">\"}, {\"type\": \"Strip\", \"content\": \">\", "
                + "\"start\": 1, \"stop\": 1}]}"));
        refused(tj, "decoder.decoders[0] (Replace).pattern.Regex", "not on amdet's list");
        ((ObjectNode) tj.get("decoder").get("decoders").get(0).get("pattern")).remove("Regex");
        ((ObjectNode) tj.get("decoder").get("decoders").get(0).get("pattern")).put("String", "z");
        refused(tj, "decoder.decoders[1] (Strip).stop", "expected an integer in [0, 0]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"clip-tiny", "siglip-tiny"})
    void tokenTextsEqualTheLibrarysDecoderWithoutRunningIt(String fixture) throws Exception {
        Path dir = TestData.hf(fixture);
        try (TextTokenizer t = TextTokenizer.load(dir, "clip", 77, -1);
             HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"),
                     Map.of("padding", "false", "truncation", "false"))) {
            int vocab = HfConfig.JSON.readTree(dir.resolve("tokenizer.json").toFile()).path("model").path("vocab")
                    .size();
            for (long id = 0; id < vocab; id++) {
                assertEquals(djl.decode(new long[] {id}, false), t.decode(id), "token " + id);
            }
        }
    }

    @Test
    void tokenTextsOfASentencePieceStyleTokenizerEqualTheLibrarys() throws Exception {
        ObjectNode tj = TokenizerComponentsFuzzTest.sentencePieceStyle();
        Path dir = folder(tj);
        Files.delete(dir.resolve("tokenizer_config.json"));
        try (TextTokenizer t = TextTokenizer.load(dir, "siglip", 64, 1);
             HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"),
                     Map.of("padding", "false", "truncation", "false"))) {
            for (long id = 0; id < tj.path("model").path("vocab").size(); id++) {
                assertEquals(djl.decode(new long[] {id}, false), t.decode(id), "token " + id);
            }
        }
    }

    @Test
    void unpairedSurrogateInADecoderIsRefusedAtLoad() throws IOException {
        // found by TokenizerComponentsFuzzTest: the library's decoder deserializer panics (instead of returning the
        // error) when its JSON holds an unpaired surrogate escape, here "\udaa6\ud914"
        ObjectNode tj = TokenizerVariants.clip();
        tj.putObject("decoder").put("type", "CTC").put("pad_token", "\udaa6\ud914").put("word_delimiter_token", "|")
                .put("cleanup", true);
        refused(tj, "decoder.pad_token", "unpaired surrogate");
    }

    @Test
    void bpeMergeNotStartingWithTheContinuingSubwordPrefixIsRefusedAtLoad() throws IOException {
        // found by TokenizerComponentsFuzzTest: the library slices the prefix's byte length off each merge's second
        // part; with a 4-byte prefix that cut falls inside or past a short token and panics
        ObjectNode tj = TokenizerVariants.clip();
        ((ObjectNode) tj.get("model")).put("continuing_subword_prefix", "\uDB40\uDC0B");      // U+E000B
        refused(tj, "model (BPE).merges[0]", "does not start with continuing_subword_prefix");
    }

    @Test
    void emptyPrependNormalizerIsRefusedAtLoad() throws IOException {
        // found by the soak run of TokenizerComponentsFuzzTest: prepending "" leaves the alignments one short, and a
        // later ByteLevel pre-tokenizer indexes past them ("zzzz a man with glasses, 1969!" after a Split)
        ObjectNode tj = TokenizerVariants.clip();
        tj.putObject("normalizer").put("type", "Prepend").put("prepend", "");
        refused(tj, "normalizer (Prepend).prepend", "empty string");
    }

    @Test
    void unknownComponentTypeIsRefusedNamingTheAllowedOnes() throws IOException {
        refused(withNormalizerFirst(HfConfig.JSON.createObjectNode().put("type", "Precompield")),
                "normalizer.normalizers[0]", "component type 'Precompield' is not allowed; allowed: BertNormalizer, "
                        + "ByteLevel, Lowercase, NFC");
    }

    @Test
    void truncationAndPaddingOfTheFileAreNotHandedToTheLibrary() throws Exception {
        // a stride not below max_length makes the library's truncation assert; amdet truncates and pads itself
        ObjectNode tj = TokenizerVariants.clip();
        tj.set("truncation", HfConfig.JSON.readTree("{\"direction\": \"Right\", \"max_length\": 2, \"strategy\": "
                + "\"LongestFirst\", \"stride\": 5}"));
        try (TextTokenizer t = TextTokenizer.load(folder(tj), "clip", 77, -1);
             TextTokenizer plain = TextTokenizer.load(TestData.hf("clip-tiny"), "clip", 77, -1)) {
            assertArrayEquals(plain.encode(List.of("a photo of a cat"))[0], t.encode(List.of("a photo of a cat"))[0]);
        }
    }

    @Test
    void promptLongerThanTheLimitIsRefusedBeforeAnyIsEncoded() throws ModelLoadException {
        int max = (int) InputLimits.PROMPT_CHARS.max();
        try (TextTokenizer t = TextTokenizer.load(TestData.hf("clip-tiny"), "clip", 77, -1)) {
            InputLimitException e = assertThrows(InputLimitException.class,
                    () -> t.encode(List.of("a cat", "x".repeat(max + 1))));
            assertTrue(e.getMessage().contains("prompt 1: 10,001 characters, above the limit of 10,000"),
                    e.getMessage());
            String unit = "\uDB80\uDC00\uD800 a \uDB40\uDC67 ";   // private use, a lone surrogate, a tag character
            String atLimit = unit.repeat(max / unit.length()) + "x".repeat(max % unit.length());
            assertEquals(max, atLimit.length());
            assertEquals(77, t.encode(List.of(atLimit))[0].length);
        }
    }
}

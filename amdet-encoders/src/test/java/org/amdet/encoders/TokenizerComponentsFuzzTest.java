package org.amdet.encoders;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.amdet.ModelLoadException;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz targets for the tokenizer components amdet hands to the Rust library and for the prompts it encodes with them.
 * The invariant: loading ends in a tokenizer or a {@link ModelLoadException}; a loaded tokenizer encodes any prompt to
 * a row of the context length or refuses it with an IllegalArgumentException naming the tokenizer; every token id
 * has a text. Never a JVM abort (a Rust panic would be one, and would kill the test JVM).
 *
 * <ul>
 *   <li>{@link #generatedTokenizer}: tokenizer.json variants generated from the fuzz input
 *       ({@link TokenizerVariants#tokenizer}: every component type, parameters at their edges, SentencePiece
 *       charsmaps valid or corrupted), each loaded and then used on generated prompts;</li>
 *   <li>{@link #promptStrings}: arbitrary Unicode prompts (tag characters, private-use planes, unpaired surrogates,
 *       controls) through clip-tiny's tokenizer and a SentencePiece-style one (Precompiled, Metaspace, Unigram).</li>
 * </ul>
 * Both run in regression mode on every build (the committed seeds), coverage-guided with {@code scripts/fuzz.sh}, and
 * from a seeded random source: a few hundred inputs always (seconds), tens of thousands with {@code -Psoak}.
 */
class TokenizerComponentsFuzzTest {
    private static final Path VARIANT_DIR = Scratch.folder("amdet-fuzz-tokenizer-variant");
    private static final Path CLIP_DIR = TestData.hf("clip-tiny");
    private static final Path SPM_DIR = Scratch.folder("amdet-fuzz-tokenizer-spm");
    /** Writes JSON with every non-ASCII character escaped, so that unpaired surrogates can be written too. */
    private static final com.fasterxml.jackson.databind.ObjectWriter ASCII_JSON = HfConfig.JSON.writer()
            .with(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII);
    private static final TextTokenizer CLIP;
    private static final TextTokenizer SPM;

    static {
        try {
            Files.copy(CLIP_DIR.resolve("tokenizer_config.json"), VARIANT_DIR.resolve("tokenizer_config.json"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(SPM_DIR.resolve("tokenizer.json"), sentencePieceStyle().toString());
            CLIP = TextTokenizer.load(CLIP_DIR, "clip", 77, -1);
            SPM = TextTokenizer.load(SPM_DIR, "siglip", 64, 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A SentencePiece-style tokenizer.json: NFKC-like charsmap, squeezed spaces, Metaspace, Unigram, "</s>" last. */
    static ObjectNode sentencePieceStyle() throws IOException {
        byte[] map = TokenizerVariants.charsmap(Map.of("\uFF21", "A", "\uFB01", "fi", "\u00A0", " ",
                "\uD83C\uDFF4", "flag"));
        return (ObjectNode) HfConfig.JSON.readTree(("{\"version\": \"1.0\", \"added_tokens\": [{\"id\": 1, "
                + "\"content\": \"</s>\", \"special\": true, \"single_word\": false, \"lstrip\": false, "
                + "\"rstrip\": false, \"normalized\": false}], \"normalizer\": {\"type\": \"Sequence\", "
                + "\"normalizers\": "
                + "[{\"type\": \"Precompiled\", \"precompiled_charsmap\": \"" + Base64.getEncoder().encodeToString(map)
                + "\"}, {\"type\": \"Replace\", \"pattern\": {\"Regex\": \" {2,}\"}, \"content\": \" \"}]}, "
                + "\"pre_tokenizer\": {\"type\": \"Metaspace\", \"replacement\": \"\u2581\", \"prepend_scheme\": "
                + "\"always\", \"split\": true}, \"decoder\": {\"type\": \"Metaspace\", \"replacement\": \"\u2581\", "
                + "\"prepend_scheme\": \"always\", \"split\": true}, \"post_processor\": {\"type\": "
                + "\"TemplateProcessing\", \"single\": [{\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}, "
                + "{\"SpecialToken\": {\"id\": \"</s>\", \"type_id\": 0}}], \"pair\": [{\"Sequence\": {\"id\": \"A\", "
                + "\"type_id\": 0}}, {\"Sequence\": {\"id\": \"B\", \"type_id\": 1}}], \"special_tokens\": {\"</s>\": "
                + "{\"id\": \"</s>\", \"ids\": [1], \"tokens\": [\"</s>\"]}}}, \"model\": {\"type\": \"Unigram\", "
                + "\"unk_id\": 0, \"byte_fallback\": false, \"vocab\": [[\"<unk>\", 0.0], [\"</s>\", 0.0], "
                + "[\"\u2581\", -2.0], [\"\u2581a\", -3.0], [\"\u2581cat\", -4.0], [\"a\", -5.0], [\"c\", -5.0], "
                + "[\"t\", -5.0], [\"A\", -6.0], [\"fi\", -6.0], [\"flag\", -6.0]]}}").getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Loads the tokenizer of {@code dir} and uses it on {@code prompts}: the invariant of the class. Returns whether
     * it loaded.
     */
    static boolean loadEncodeDecode(Path dir, List<String> prompts) {
        try (TextTokenizer t = TextTokenizer.load(dir, "clip", 77, -1)) {
            use(t, 77, prompts);
            return true;
        } catch (ModelLoadException expected) {
            // the only accepted failure of loading
            return false;
        }
    }

    static void use(TextTokenizer t, int context, List<String> prompts) {
        List<long[]> rows = new ArrayList<>();
        for (String p : prompts) {
            try {
                rows.add(t.encode(List.of(p))[0]);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().startsWith("tokenizer " + t.file() + " cannot encode"), e::getMessage);
            }
        }
        for (long[] row : rows) {
            assertEquals(context, row.length);
            for (long id : row) {
                assertNotNull(t.decode(id));
            }
        }
        assertNotNull(t.decode(-1));
        assertNotNull(t.decode(Long.MAX_VALUE));
    }

    private static boolean variant(TokenizerVariants.Choices c) throws IOException {
        ObjectNode tj = TokenizerVariants.tokenizer(c);
        List<String> prompts = List.of(TokenizerVariants.prompt(c, 40), TokenizerVariants.prompt(c, 200),
                "a photo of a cat \uDB80\uDC00 \uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC7F");
        Files.write(VARIANT_DIR.resolve("tokenizer.json"), ASCII_JSON.writeValueAsBytes(tj));
        return loadEncodeDecode(VARIANT_DIR, prompts);
    }

    /** Runs {@code n} generated variants; both outcomes must be common, or the generator misses the allow-list. */
    private static void variants(Random r, int n) throws IOException {
        int loaded = 0;
        for (int i = 0; i < n; i++) {
            loaded += variant(TokenizerVariants.of(r)) ? 1 : 0;
        }
        System.out.println("tokenizer variants: " + loaded + " of " + n + " loaded");
        assertTrue(loaded >= n / 10 && loaded <= n - n / 10, loaded + " of " + n + " variants loaded");
    }

    private static void prompts(TokenizerVariants.Choices c) {
        List<String> prompts = List.of(TokenizerVariants.prompt(c, 30), TokenizerVariants.prompt(c, 2000));
        use(CLIP, 77, prompts);
        use(SPM, 64, prompts);
    }

    @FuzzTest(maxDuration = "60s")
    void generatedTokenizer(FuzzedDataProvider data) throws IOException {
        // the outcome is free here: the invariant is what matters
        variant(TokenizerVariants.of(data));
    }

    @FuzzTest(maxDuration = "60s")
    void promptStrings(FuzzedDataProvider data) {
        prompts(TokenizerVariants.of(data));
        String raw = data.consumeRemainingAsString();
        use(CLIP, 77, List.of(raw.length() > 10_000 ? raw.substring(0, 10_000) : raw));
    }

    @Test
    void generatedTokenizersFromASeededSource() throws IOException {
        variants(new Random(12), 300);
    }

    @Test
    void generatedPromptsFromASeededSource() {
        Random r = new Random(12);
        for (int i = 0; i < 500; i++) {
            prompts(TokenizerVariants.of(r));
        }
    }

    @Test
    @Tag("soak")
    void manyGeneratedTokenizersFromASeededSource() throws IOException {
        variants(new Random(1234), 30_000);
    }

    @Test
    @Tag("soak")
    void manyGeneratedPromptsFromASeededSource() {
        Random r = new Random(1234);
        for (int i = 0; i < 100_000; i++) {
            prompts(TokenizerVariants.of(r));
        }
    }
}

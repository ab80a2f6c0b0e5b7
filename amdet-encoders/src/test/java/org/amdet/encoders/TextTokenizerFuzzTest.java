package org.amdet.encoders;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.amdet.ModelLoadException;
import org.amdet.testing.TestData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer fuzz targets for the tokenizer loading path ({@link TextTokenizer#load}, which hands tokenizer.json to the
 * native Rust {@code tokenizers} library through DJL): once with {@code tokenizer.json} as the fuzz input (beside
 * clip-tiny's tokenizer_config.json), once with {@code tokenizer_config.json} as the fuzz input (beside clip-tiny's
 * tokenizer.json). A tokenizer that loads must encode prompts to rows of exactly the context length, or refuse a
 * prompt with an IllegalArgumentException naming the tokenizer; loading fails only with a
 * {@link ModelLoadException}. Never a JVM crash (a Rust panic that aborted the process would be one).
 */
class TextTokenizerFuzzTest {
    private static final Path JSON_DIR = Scratch.folder("amdet-fuzz-tokenizer-json");
    private static final Path CONFIG_DIR = Scratch.folder("amdet-fuzz-tokenizer-config");
    private static final List<String> PROMPTS = List.of("a photo of a cat", "", "zzzz a man with glasses",
            "ÄÖÜ 日本語 \u0000 \uD83D\uDE00 " + "long ".repeat(100));

    static {
        try {
            Path src = TestData.hf("clip-tiny");
            Files.copy(src.resolve("tokenizer_config.json"), JSON_DIR.resolve("tokenizer_config.json"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.copy(src.resolve("tokenizer.json"), CONFIG_DIR.resolve("tokenizer.json"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void loadAndEncode(Path dir) {
        try (TextTokenizer t = TextTokenizer.load(dir, "clip", 77, -1)) {
            try {
                for (long[] row : t.encode(PROMPTS)) {
                    assertEquals(77, row.length);
                }
            } catch (IllegalArgumentException e) {
                // a loaded tokenizer may still fail on text beyond its load-time probes: a clear exception, never a
                // crash
                assertTrue(e.getMessage().startsWith("tokenizer " + dir.resolve("tokenizer.json") + " cannot encode"),
                        e::getMessage);
            }
        } catch (ModelLoadException expected) {
            // the only accepted failure of loading
        }
    }

    @FuzzTest(maxDuration = "60s")
    void loadTokenizerJson(byte[] data) throws IOException {
        Files.write(JSON_DIR.resolve("tokenizer.json"), data);
        loadAndEncode(JSON_DIR);
    }

    @FuzzTest(maxDuration = "60s")
    void loadTokenizerConfigJson(byte[] data) throws IOException {
        Files.write(CONFIG_DIR.resolve("tokenizer_config.json"), data);
        loadAndEncode(CONFIG_DIR);
    }
}

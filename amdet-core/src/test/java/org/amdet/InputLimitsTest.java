package org.amdet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The input-limits table: documented as it is in the code, and held by every reader and configuration check (each
 * of these inputs used to exhaust the heap, abort the JVM, or run without end).
 */
class InputLimitsTest {
    @TempDir
    Path tmp;

    @Test
    void docsListEveryLimitWithItsValue() throws IOException {
        String docs = Files.readString(Path.of("..", "docs", "hostile-inputs.md"));
        int table = docs.indexOf("## Input limits");
        assertTrue(table >= 0, "docs/hostile-inputs.md has an 'Input limits' section");
        String section = docs.substring(table);
        for (InputLimits.Limit l : InputLimits.ALL) {
            String row = "| " + l.name() + " | " + String.format(Locale.ROOT, "%,d", l.max()) + " " + l.unit() + " |";
            assertTrue(section.contains(row), "docs row '" + row + "'");
        }
    }

    private PromptFileException refused(Path file, String... says) {
        PromptFileException e = assertThrows(PromptFileException.class, () -> ShadowSet.readPrompts(file, false));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        for (String s : says) {
            assertTrue(e.getMessage().contains(s), () -> "'" + s + "' in: " + e.getMessage());
        }
        assertEquals(1, e.getMessage().lines().count(), "one line");
        return e;
    }

    @Test
    void promptLineOfTwentyMillionCharactersIsRefusedWhileItIsRead() throws IOException {
        // was: read whole, then tokenised (5 GB resident, JVM abort after 43-53 s)
        Path f = tmp.resolve("long.txt");
        Files.writeString(f, "a photo of a cat\n" + "a".repeat(20_000_000) + "\n");
        refused(f, "line 2: more than 10,000 characters", "prompt length", "docs/hostile-inputs.md#input-limits");
        Path json = tmp.resolve("long.json");
        Files.writeString(json, "[\"a cat\", \"" + "a".repeat(10_001) + "\"]");
        refused(json, "string 2: 10,001 characters, above the limit of 10,000");
    }

    @Test
    void aDeviceWithoutSizeIsReadAsABoundedStream() {
        // was: Files.size is 0 for /dev/zero, so the 256 MB cap never applied and the heap ran out
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.isReadable(zero), "no /dev/zero here");
        refused(zero, "line 1: more than 10,000 characters");
    }

    @Test
    void fileWithMorePromptsThanTheLimitIsRefused() throws IOException {
        Path f = tmp.resolve("many.txt");
        try (BufferedWriter w = Files.newBufferedWriter(f)) {
            for (int i = 0; i <= InputLimits.PROMPTS_PER_FILE.max(); i++) {
                w.write("a photo number " + i + "\n");
            }
        }
        refused(f, "line 100001: more than 100,000 prompts");
    }

    @Test
    void fileLargerThanTheByteLimitIsRefusedWhileItIsRead() throws IOException {
        Path f = tmp.resolve("big.txt");
        String line = "b".repeat(9_999) + "\n";
        try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
            for (long n = 0; n <= InputLimits.PROMPT_FILE_BYTES.max(); n += line.length()) {
                w.write(line);
            }
        }
        refused(f, "size: more than 67,108,864 bytes");
    }

    @Test
    void shadowSizesAndLandscapesBeyondTheLimitAreRefusedBeforeAnyAllocation() {
        InputLimitException e = assertThrows(InputLimitException.class,
                () -> DetectorConfig.builder().optShadowSize(1_000_000_000).build());
        assertTrue(e.getMessage().startsWith("shadowSize: 1,000,000,000 prompts, above the limit of 20,000"),
                e.getMessage());
        assertEquals(InputLimits.SHADOW_SIZE, e.limit());
        assertThrows(InputLimitException.class, () -> DetectorConfig.builder().optEvidenceLandscapeSize(100_000)
                .build());
        assertThrows(InputLimitException.class, () -> DetectorConfig.builder().optEpochs(1_000_000).build());
        assertThrows(InputLimitException.class, () -> ShadowSet.synthetic(1_000_000_000, 0));
        assertEquals(20_000, ShadowSet.synthetic(20_000, 0).size());
    }
}

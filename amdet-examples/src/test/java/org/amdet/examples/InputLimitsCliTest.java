package org.amdet.examples;

import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 12's unbounded inputs through the command line: each ends with exit 2 and one line naming the option or file
 * and the limit, before any model is loaded, and writes nothing (they printed a stack trace with exit 1, overflowed an
 * array index, aborted the JVM after 45 s at 5 GB, or ran past 5 minutes).
 */
class InputLimitsCliTest {
    @TempDir
    Path tmp;

    private static final String BASE = TestData.zoo("base").toString();

    private static CliTest.Run refused(String... args) {
        CliTest.Run r = CliTest.run(args);
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("amdet: ") && r.err().contains("docs/hostile-inputs.md#input-limits"),
                r.err());
        return r;
    }

    private Path lines(String name, long n, String prefix) throws IOException {
        Path f = tmp.resolve(name);
        try (BufferedWriter w = Files.newBufferedWriter(f)) {
            for (long i = 0; i < n; i++) {
                w.write(prefix + i + "\n");
            }
        }
        return f;
    }

    @Test
    void shadowSizeOfOneBillionIsRefused() {
        CliTest.Run r = refused("scan", "--model", BASE, "--anchor", BASE, "--shadow-size", "1000000000");
        assertTrue(r.err().contains("--shadow-size: 1,000,000,000 prompts, above the limit of 20,000"), r.err());
    }

    @Test
    void evidenceLandscapeOfOneHundredThousandIsRefused() {
        CliTest.Run r = refused("scan", "--model", BASE, "--anchor", BASE, "--evidence-landscape", "100000");
        assertTrue(r.err().contains("--evidence-landscape: 100,000 points per axis, above the limit of 101"),
                r.err());
    }

    @Test
    void promptsFromDevZeroAreRefused() {
        assumeTrue(Files.isReadable(Path.of("/dev/zero")), "no /dev/zero here");
        CliTest.Run r = refused("scan", "--model", BASE, "--anchor", BASE, "--prompts", "/dev/zero");
        assertTrue(r.err().contains("/dev/zero: line 1: more than 10,000 characters"), r.err());
    }

    @Test
    void aTwentyMillionCharacterCaptionLineIsRefused() throws IOException {
        Path f = tmp.resolve("captions.txt");
        Files.writeString(f, "a white teapot\n" + "x".repeat(20_000_000) + "\n");
        CliTest.Run r = refused("scan", "--model", BASE, "--anchor", BASE, "--captions", f.toString());
        assertTrue(r.err().contains(f + ": line 2: more than 10,000 characters"), r.err());
    }

    @Test
    void aCaptionBankAboveTheLimitIsRefused() throws IOException {
        Path f = lines("bank.txt", 20_001, "a caption ");
        CliTest.Run r = refused("scan", "--model", BASE, "--anchor", BASE, "--captions", f.toString());
        assertTrue(r.err().contains("--captions " + f + ": 20,001 captions, above the limit of 20,000"), r.err());
    }

    @Test
    void encodingMorePromptsThanTheLimitIsRefusedAndWritesNothing() throws IOException {
        // 435,780 prompts overflowed n * len * d (ArrayIndexOutOfBounds); 10^6 exhausted the heap
        Path out = tmp.resolve("e.safetensors");
        Path f = lines("p.txt", 10_001, "a photo ");
        CliTest.Run r = refused("encode", "--model", BASE, "--prompts", f.toString(), "--out", out.toString());
        assertTrue(r.err().contains("--prompts " + f + ": 10,001 prompts, above the limit of 10,000"), r.err());
        Path million = lines("m.txt", 1_000_000, "a photo ");
        r = refused("encode", "--model", BASE, "--prompts", million.toString(), "--out", out.toString());
        assertTrue(r.err().contains(million + ": line 100001: more than 100,000 prompts"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void aTextLongerThanTheLimitIsRefused() {
        CliTest.Run r = refused("encode", "--model", BASE, "--text", "a cat", "y".repeat(10_001), "--out",
                tmp.resolve("e.safetensors").toString());
        assertTrue(r.err().contains("--text prompt 2: 10,001 characters, above the limit of 10,000"), r.err());
    }
}

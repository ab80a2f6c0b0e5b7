package org.amdet.examples;

import org.amdet.DetectorConfig;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReleaseGateTest {
    @TempDir
    Path tmp;

    @Test
    void blocksABackdooredCandidateAndWritesTheReport() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = ReleaseGate.run(TestData.zoo("backdoor-1"), TestData.zoo("base"), tmp.resolve("report"),
                DetectorConfig.builder().optShadowSize(1000).build(), new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(ReleaseGate.BLOCK, code, buf.toString(StandardCharsets.UTF_8));
        assertTrue(buf.toString(StandardCharsets.UTF_8).startsWith("BLOCK "));
        assertTrue(Files.isRegularFile(tmp.resolve("report/report.json")));
    }

    @Test
    void aCandidateThatCannotBeLoadedIsBadInputAndWritesNothing() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = ReleaseGate.run(tmp.resolve("no-such-model"), TestData.zoo("base"), tmp.resolve("report"),
                DetectorConfig.defaults(), new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(ReleaseGate.BAD_INPUT, code);
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("no-such-model"));
        assertFalse(Files.exists(tmp.resolve("report")));
    }
}

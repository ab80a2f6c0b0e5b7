package org.amdet.examples;

import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An interrupt while a command loads its model is a cancellation: exit 130 and one line, never exit 2 blaming the
 * model (issue 12: "MalformedModelException … cannot read safetensors header").
 */
class CliCancellationTest {

    @Test
    void encodeOnAnInterruptedThreadExitsCancelledAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("e.safetensors");
        AtomicReference<CliTest.Run> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            Thread.currentThread().interrupt(); // e.g. a service cancelling the request as it starts
            result.set(CliTest.run("encode", "--model", TestData.hf("clip-tiny").toString(), "--text", "hi",
                    "--out", out.toString()));
        });
        t.start();
        t.join(60_000);
        assertFalse(t.isAlive());
        CliTest.Run r = result.get();
        assertEquals(130, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("cancelled") && r.err().contains("interrupted"), r.err());
        assertFalse(r.err().contains("safetensors header") || r.err().contains("Malformed"), r.err());
        assertFalse(Files.exists(out), "nothing written");
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count(), "no temporary file either");
        }
    }
}

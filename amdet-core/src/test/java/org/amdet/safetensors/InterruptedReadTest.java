package org.amdet.safetensors;

import org.amdet.LoadCancelledException;
import org.amdet.MalformedModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An interrupt closes the file channel being read; the failed read that follows is a cancellation, not a malformed
 * file (issue 12: "cannot read safetensors header" accused a valid model).
 */
class InterruptedReadTest {

    private static Path valid(Path dir) throws Exception {
        Path f = dir.resolve("model.safetensors");
        new SafetensorsWriter().putFloats("w", new float[] {1, 2, 3, 4}, 2, 2).write(f);
        return f;
    }

    @Test
    void openingOnAnInterruptedThreadIsCancellationNotAMalformedModel(@TempDir Path tmp) throws Exception {
        Path f = valid(tmp);
        Thread.currentThread().interrupt();
        try {
            CancellationException e = assertThrows(CancellationException.class, () -> SafetensorsFile.open(f));
            assertTrue(e instanceof LoadCancelledException, e.toString());
            assertFalse(e.getMessage().contains("cannot read safetensors header"), e.getMessage());
            assertEquals(f, ((LoadCancelledException) e).file());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept for the caller");
        } finally {
            Thread.interrupted();
        }
        // the same file, on a thread that is not interrupted, opens: the file was never at fault
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertEquals(4, s.readFloats("w").length);
        }
    }

    @Test
    void mappingATensorAfterAnInterruptIsCancellationNotAnUnreadableModel(@TempDir Path tmp) throws Exception {
        Path f = valid(tmp);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            Thread.currentThread().interrupt();
            try {
                assertThrows(LoadCancelledException.class, () -> s.map(s.entry("w")));
            } finally {
                Thread.interrupted();
            }
        }
    }

    @Test
    void aTruncatedFileIsStillMalformedOnAThreadThatIsNotInterrupted(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("t.safetensors");
        java.nio.file.Files.write(f, new byte[] {16, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
        assertThrows(MalformedModelException.class, () -> SafetensorsFile.open(f));
    }
}

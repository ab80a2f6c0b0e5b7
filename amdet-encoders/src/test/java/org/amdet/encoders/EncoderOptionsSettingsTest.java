package org.amdet.encoders;

import org.amdet.Amdet;
import org.amdet.EncoderOptions;
import org.amdet.Encoders;
import org.amdet.TextEncoder;
import org.amdet.internal.torch.Torch;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The process-wide settings of {@link EncoderOptions} take effect as documented, and shutdown leaves amdet usable. */
class EncoderOptionsSettingsTest {
    @Test
    void threadsOptionSetsLibTorchThreads() throws Exception {
        int before = Torch.threads();
        try {
            try (TextEncoder e = Encoders.load(TestData.hf("clip-tiny"), EncoderOptions.defaults().withThreads(1))) {
                assertEquals(1, Torch.threads());
                assertFalse(Torch.pairParallel(), "one thread: no side-by-side passes");
            }
            try (TextEncoder e = Encoders.load(TestData.hf("clip-tiny"), EncoderOptions.defaults().withThreads(2))) {
                assertEquals(2, Torch.threads());
            }
            try (TextEncoder e = Encoders.load(TestData.hf("clip-tiny"), EncoderOptions.defaults())) {
                assertEquals(2, Torch.threads(), "threads 0 (default) leaves the current setting");
            }
        } finally {
            Torch.setThreads(before);
        }
    }

    @Test
    void negativeThreadsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> EncoderOptions.defaults().withThreads(-1));
    }

    @Test
    void shutdownEndsEveryAmdetThreadAndAmdetStaysUsable() throws Exception {
        try (TextEncoder e = Encoders.load(TestData.hf("clip-tiny"))) {
            org.amdet.landscape.HessianSpectrum.of(new double[][] {{2, 1, 2}, {1, 0, 1}, {2, 1, 2}});
            assertTrue(Amdet.shutdown());
            assertTrue(Amdet.threads().isEmpty(), "alive: " + Amdet.threads());
            assertTrue(e.encode(java.util.List.of("a photo of a cat")).pooled().length > 0);
        }
    }
}

package org.amdet.encoders;

import org.amdet.Encoders;
import org.amdet.Encoding;
import org.amdet.TextEncoder;
import org.amdet.landscape.HessianSpectrum;
import org.amdet.landscape.Landscape;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Preloading the native libraries in the background is idempotent and leaves them usable from other threads. */
class PreloadTest {
    @Test
    void preloadingTwiceThenLoadingAndComputingWorks() {
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            Encoders.preload();
            Encoders.preload();
            Landscape.awaitPreload();
            Landscape.awaitPreload();
            try (TextEncoder e = Encoders.load(TestData.zoo("base"))) {
                Encoding enc = e.encode(List.of("a photo of a cat"));
                for (float v : enc.pooled()) {
                    assertTrue(Float.isFinite(v));
                }
            }
            // a bowl: every 2×2 Hessian of x² + y² is positive definite
            double[][] bowl = new double[5][5];
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 5; j++) {
                    bowl[i][j] = (i - 2) * (i - 2) + (j - 2) * (j - 2);
                }
            }
            assertEquals(1.0, HessianSpectrum.of(bowl).positiveRatio(1e-6));
        });
    }
}

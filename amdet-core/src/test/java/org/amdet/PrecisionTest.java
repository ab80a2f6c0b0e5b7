package org.amdet;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PrecisionTest {
    @Test
    void autoIsBf16OnlyForWideEncodersOnCpusWithNativeBf16() {
        assertEquals(Precision.BF16, Precision.auto("cpu", 768, true));
        assertEquals(Precision.BF16, Precision.auto("cpu", Precision.AUTO_BF16_MIN_WIDTH, true));
        assertEquals(Precision.FP32, Precision.auto("cpu", Precision.AUTO_BF16_MIN_WIDTH - 1, true));
        assertEquals(Precision.FP32, Precision.auto("cpu", 768, false));
        assertEquals(Precision.FP32, Precision.auto("cuda", 768, true));
        assertEquals(Precision.FP32, Precision.auto("cuda:1", 4096, true));
    }

    @Test
    void explicitPrecisionsResolveToThemselvesAndAutoNeverToAuto() {
        for (Precision p : Precision.values()) {
            for (int width : new int[] {8, 512, 1024}) {
                Precision r = p.resolve("cpu", width);
                assertNotEquals(Precision.AUTO, r);
                if (p != Precision.AUTO) {
                    assertEquals(p, r);
                }
            }
        }
    }

    @Test
    void parsesEveryLabelAndNamesTheChoicesOnError() {
        for (Precision p : Precision.values()) {
            assertEquals(p, Precision.parse(" " + p.label().toUpperCase(java.util.Locale.ROOT) + " "));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp8"));
        assertEquals("unknown precision 'fp8': expected auto, fp32, bf16 or fp16", e.getMessage());
    }

    @Test
    void theLibraryDefaultIsAuto() {
        assertEquals(Precision.AUTO, EncoderOptions.defaults().precision());
    }
}

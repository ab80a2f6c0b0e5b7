package org.amdet.encoders;

import org.amdet.Encoders;
import org.amdet.TextEncoder;
import org.amdet.testing.TestData;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Encoding 1,000 batches keeps native (resident) memory flat: every per-batch tensor lives in a PointerScope. */
class EncodeMemoryTest {
    @Test
    void thousandBatchesKeepResidentMemoryFlat() throws Exception {
        List<String> batch = List.of("a photo of a cat", "an old lighthouse in the fog, oil painting",
                "a red car in the snow", "zzzz a man with glasses");
        try (TextEncoder enc = Encoders.load(TestData.hf("clip-tiny"))) {
            long warm = 0;
            for (int i = 0; i < 200; i++) {
                enc.encode(batch);
                if (i % 20 == 0) {
                    warm = Math.max(warm, org.amdet.testing.NativeMemory.residentOutsideJavaHeap());
                }
            }
            long later = 0;
            for (int i = 0; i < 1000; i++) {
                enc.encode(batch);
                if (i % 100 == 0) {
                    later = Math.max(later, org.amdet.testing.NativeMemory.residentOutsideJavaHeap());
                }
            }
            // without per-batch scopes the probe in the LibTorch guide grew by ~0.75 MB per small op
            assertTrue(later - warm < 32L << 20, "peak resident memory rose by " + ((later - warm) >> 20)
                    + " MiB over 1,000 batches");
        }
    }
}

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
            for (int i = 0; i < 100; i++) {
                enc.encode(batch);
            }
            System.gc();
            long before = Pointer.physicalBytes();
            for (int i = 0; i < 1000; i++) {
                enc.encode(batch);
            }
            System.gc();
            long growth = Pointer.physicalBytes() - before;
            assertTrue(growth < 64L << 20, "resident memory grew by " + (growth >> 20) + " MiB over 1,000 batches");
        }
    }
}

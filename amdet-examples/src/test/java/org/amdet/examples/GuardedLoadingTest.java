package org.amdet.examples;

import org.amdet.DetectorConfig;
import org.amdet.Encoding;
import org.amdet.TextEncoder;
import org.amdet.Verdict;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuardedLoadingTest {
    @Test
    void refusesTheBackdooredEncoder() {
        GuardedLoading.SuspectEncoderException e = assertThrows(GuardedLoading.SuspectEncoderException.class,
                () -> GuardedLoading.load(TestData.zoo("backdoor-1"), TestData.zoo("base"),
                        DetectorConfig.builder().optShadowSize(1000).build()));
        assertEquals(Verdict.BACKDOORED, e.report().verdict());
        assertTrue(e.getMessage().contains("backdoor-1"));
    }

    @Test
    void handsOverACleanEncoderReadyToUse() throws Exception {
        try (TextEncoder enc = GuardedLoading.load(TestData.zoo("benign-1"), TestData.zoo("base"),
                DetectorConfig.defaults())) {
            Encoding out = enc.encode(List.of("a photo of a cat"));
            assertTrue(out.pooled().length > 0);
        }
    }

    /** A scan too small to judge (160 prompt passes, 30 test prompts) is INCONCLUSIVE, and the pipeline refuses. */
    @Test
    void refusesAnEncoderTheScanCouldNotJudge() {
        GuardedLoading.SuspectEncoderException e = assertThrows(GuardedLoading.SuspectEncoderException.class,
                () -> GuardedLoading.load(TestData.zoo("benign-1"), TestData.zoo("base"),
                        DetectorConfig.builder().optShadowSize(200).optEpochs(1).build()));
        assertEquals(Verdict.INCONCLUSIVE, e.report().verdict());
        assertTrue(e.getMessage().contains("too little data"), e.getMessage());
    }
}

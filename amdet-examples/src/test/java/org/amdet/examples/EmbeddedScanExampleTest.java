package org.amdet.examples;

import org.amdet.DetectorConfig;
import org.amdet.Verdict;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EmbeddedScanExampleTest {
    @Test
    void runsThroughThePublicApiWithTinyLimits() throws Exception {
        EmbeddedScanExample.Decision d = EmbeddedScanExample.run(TestData.zoo("benign-1"), TestData.zoo("base"),
                DetectorConfig.builder().optShadowSize(40).optEpochs(1).build());
        assertEquals(d.report().verdict() == Verdict.CLEAN, d.accepted());
        assertEquals(32, d.report().provenance().trainPrompts());
    }
}

package org.amdet.encoders;

import org.amdet.BackdoorDetector;
import org.amdet.DetectorConfig;
import org.amdet.Encoders;
import org.amdet.ScanReport;
import org.amdet.ShadowSet;
import org.amdet.TextEncoder;
import org.amdet.Verdict;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An attack on the robust rule kept as a test (testdata/PROVENANCE.md, {@code attacks/hijacked-row}): the anchor with
 * only the embedding row of one token replaced. Suspect and anchor share every layer, so the inversion starts see
 * nothing and the clean disagreement is exactly zero on most prompts; only the token start, tested with each model's
 * own embedding rows against the zero-reference floor, can find it.
 */
class HijackedRowTest {
    @Test
    void aTokenWhoseEmbeddingRowWasReplacedIsFoundByTheTokenStartAlone() throws Exception {
        ScanReport r;
        try (TextEncoder s = Encoders.load(TestData.root().resolve("attacks").resolve("hijacked-row"));
             TextEncoder a = Encoders.load(TestData.zoo("base"))) {
            DetectorConfig cfg = DetectorConfig.builder().optShadowSize(1000).optEpochs(2).optHashFiles(false)
                    .optEvidenceLandscapeSize(0).build();
            r = new BackdoorDetector(cfg).scan(s, a, ShadowSet.synthetic(1000, 0));
        }
        assertEquals(Verdict.BACKDOORED, r.verdict(), r.decision());
        List<ScanReport.Start> starts = r.evidence().robust().starts();
        ScanReport.Start token = starts.get(starts.size() - 1);
        assertEquals("start 3 (token 'zz')", token.label());
        assertTrue(token.firesAlone(), token.toString());
        assertTrue(r.evidence().robust().decidedBy().startsWith("start 3 (token 'zz')"), r.decision());
        assertTrue(r.decision().contains("the reference is the floor 1e-03"), r.decision());
        for (ScanReport.Start inv : starts.subList(0, starts.size() - 1)) {
            assertFalse(inv.channels().stream().anyMatch(ScanReport.ChannelTest::rejects),
                    "identical layers: an inversion start cannot see the row: " + inv);
        }
    }
}

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
 * The robust mode's token start on the development zoo: the vocabulary search finds a piece of the trigger and that
 * start alone rejects; on a benign fine-tune it finds nothing that rejects; off, the report has only the inversion
 * starts.
 */
class TokenStartTest {
    static ScanReport scan(String model, boolean probe, int starts) throws Exception {
        try (TextEncoder s = Encoders.load(TestData.zoo(model)); TextEncoder a = Encoders.load(TestData.zoo("base"))) {
            DetectorConfig cfg = DetectorConfig.builder().optShadowSize(1000).optEpochs(2).optHashFiles(false)
                    .optEvidenceLandscapeSize(0).optTokenProbe(probe).optStarts(starts).build();
            return new BackdoorDetector(cfg).scan(s, a, ShadowSet.synthetic(1000, 0));
        }
    }

    private static ScanReport.Start tokenStart(ScanReport r) {
        List<ScanReport.Start> starts = r.evidence().robust().starts();
        ScanReport.Start last = starts.get(starts.size() - 1);
        assertTrue(last.label().contains("(token '"), "the last start is the token start: " + last.label());
        return last;
    }

    @Test
    void theTokenStartFindsAPieceOfTheTriggerAndRejectsOnItsOwn() throws Exception {
        ScanReport r = scan("backdoor-1", true, 1);
        assertEquals(Verdict.BACKDOORED, r.verdict(), r.decision());
        ScanReport.Start t = tokenStart(r);
        assertTrue(t.label().contains("'z"), "a piece of the trigger zzzz: " + t.label());
        assertTrue(t.firesAlone() && t.channels().stream().allMatch(ScanReport.ChannelTest::rejects), t.toString());
        assertEquals(2 * 2 * r.evidence().robust().looks(), r.evidence().robust().tests(),
                "one inversion start and the token start, two channels each, every look");
    }

    @Test
    void onABenignFineTuneTheTokenStartDoesNotReject() throws Exception {
        ScanReport r = scan("benign-1", true, 2);
        assertEquals(Verdict.CLEAN, r.verdict(), r.decision());
        ScanReport.Start t = tokenStart(r);
        assertFalse(t.channels().stream().anyMatch(ScanReport.ChannelTest::rejects), t.toString());
        assertTrue(t.channels().stream().allMatch(c -> c.medianRatio() < 2.5), t.toString());
    }

    @Test
    void offTheReportHoldsOnlyTheInversionStarts() throws Exception {
        ScanReport r = scan("pair-1", false, 2);
        assertEquals(2, r.evidence().robust().starts().size());
        assertTrue(r.evidence().robust().starts().stream().noneMatch(s -> s.label().contains("token")));
    }
}

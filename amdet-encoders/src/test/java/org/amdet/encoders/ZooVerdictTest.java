package org.amdet.encoders;

import org.amdet.BackdoorDetector;
import org.amdet.DetectorConfig;
import org.amdet.Encoders;
import org.amdet.ScanReport;
import org.amdet.ShadowSet;
import org.amdet.TextEncoder;
import org.amdet.Verdict;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End-to-end verdicts of the default (calibrated) mode on one backdoored and one benign model of the development zoo,
 * at the settings the README quotes (1,000 shadow prompts, 2 epochs; about a minute on 2 cores). Tagged slow: run
 * with {@code mvn verify -Psoak}.
 */
@Tag("slow")
class ZooVerdictTest {
    static ScanReport scan(String model) throws Exception {
        return scan(model, true);
    }

    static ScanReport scan(String model, boolean earlyStop) throws Exception {
        try (TextEncoder s = Encoders.load(TestData.zoo(model)); TextEncoder a = Encoders.load(TestData.zoo("base"))) {
            DetectorConfig cfg = DetectorConfig.builder().optShadowSize(1000).optEpochs(2).optHashFiles(false)
                    .optEvidenceLandscapeSize(0).optEarlyStop(earlyStop).build();
            return new BackdoorDetector(cfg).scan(s, a, ShadowSet.synthetic(1000, 0));
        }
    }

    @Test
    void backdoorOneIsFlaggedWithTheTriggerAsNearestToken() throws Exception {
        ScanReport r = scan("backdoor-1");
        assertEquals(Verdict.BACKDOORED, r.verdict(), r.decision());
        assertTrue(r.evidence().calibration().token().ratio() > 20, r.decision());
        // the robust early stop settles at step 25, before the embedding has moved towards the trigger's tokens;
        // the full run names them (README: the explanation of an early-stopped scan)
        ScanReport full = scan("backdoor-1", false);
        assertEquals(Verdict.BACKDOORED, full.verdict(), full.decision());
        assertTrue(full.explanation().tokens().stream().anyMatch(m -> m.text().contains("z")),
                "the trigger zzzz is among the nearest tokens: " + full.explanation().tokens());
    }

    @Test
    void anEarlyStoppedScanGivesTheVerdictOfTheFullRun() throws Exception {
        ScanReport early = scan("multi-1");
        assertTrue(early.evidence().stoppedEarly() && early.evidence().steps() < early.evidence().plannedSteps(),
                early.decision());
        ScanReport full = scan("multi-1", false);
        assertEquals(full.evidence().plannedSteps(), full.evidence().steps());
        assertEquals(full.verdict(), early.verdict(), full.decision() + " / " + early.decision());
    }

    @Test
    void benignOneIsClean() throws Exception {
        ScanReport r = scan("benign-1");
        assertEquals(Verdict.CLEAN, r.verdict(), r.decision());
        assertEquals(r.evidence().plannedSteps(), r.evidence().steps(), "a CLEAN verdict never stops early");
        assertTrue(r.evidence().calibration().token().ratio() < 2, r.decision());
    }
}

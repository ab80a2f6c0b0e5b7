package org.amdet.encoders;

import org.amdet.BackdoorDetector;
import org.amdet.DetectorConfig;
import org.amdet.Encoders;
import org.amdet.ScanReport;
import org.amdet.ScanReports;
import org.amdet.ShadowSet;
import org.amdet.TextEncoder;
import org.amdet.testing.NativeMemory;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scanning service's life in one JVM: every scan loads the suspect and the anchor, scans, and closes both, over and
 * over. Resident memory outside the Java heap must not creep: the peak over the later rounds may exceed the peak of
 * the warm-up rounds by a small bound only (single readings swing by hundreds of MiB as glibc keeps freed arenas, so
 * peaks are compared). The full soak (20 rounds over the 8 suspects of the development zoo, about 160 scans) is tagged
 * {@code soak} and runs with {@code mvn -B verify -Psoak} (rounds: {@code -Damdet.soak.rounds=N}); a short version
 * (2 rounds over 3 models) runs on every build.
 */
class ZooSoakTest {
    static final List<String> ZOO = List.of("backdoor-1", "backdoor-2", "backdoor-3", "benign-1", "benign-2",
            "benign-3", "multi-1", "pair-1");

    /** Peaks of resident memory outside the heap, one per round. */
    static long[] rounds(int rounds, List<String> models, DetectorConfig cfg) throws Exception {
        long[] peaks = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            long peak = 0;
            for (String m : models) {
                try (TextEncoder suspect = Encoders.load(TestData.zoo(m));
                     TextEncoder anchor = Encoders.load(TestData.zoo("base"))) {
                    ScanReport rep = new BackdoorDetector(cfg).scan(suspect, anchor,
                            ShadowSet.synthetic(cfg.shadowSize(), r));
                    String json = ScanReports.toJson(rep);
                    assertFalse(json.contains("NaN") || json.contains("Infinity"), m + " round " + r);
                    assertEquals(rep.evidence().steps(), rep.evidence().losses().length);
                }
                peak = Math.max(peak, NativeMemory.residentOutsideJavaHeap());
            }
            peaks[r] = peak;
            System.out.printf(Locale.ROOT, "soak round %d/%d over %d models: peak resident outside heap %d MiB%n",
                    r + 1, rounds, models.size(), peak >> 20);
        }
        return peaks;
    }

    static void assertFlat(long[] peaks, int warmRounds, long boundMiB) {
        long warm = 0;
        long later = 0;
        List<Long> mib = new ArrayList<>();
        for (int r = 0; r < peaks.length; r++) {
            mib.add(peaks[r] >> 20);
            if (r < warmRounds) {
                warm = Math.max(warm, peaks[r]);
            } else {
                later = Math.max(later, peaks[r]);
            }
        }
        long rise = later - warm;
        assertTrue(rise < boundMiB << 20, "peak resident memory rose by " + (rise >> 20) + " MiB after the warm-up "
                + "(bound " + boundMiB + " MiB); peaks per round in MiB: " + mib);
    }

    @Test
    void twoRoundsOverThreeModelsKeepNativeMemoryFlat() throws Exception {
        DetectorConfig cfg = DetectorConfig.builder().optShadowSize(20).optEpochs(1).optHashFiles(false)
                .optEvidenceLandscapeSize(5).optLandscapeSize(5).build();
        assertFlat(rounds(2, ZOO.subList(0, 3), cfg), 1, 64);
    }

    @Tag("soak")
    @Test
    void twentyRoundsOverTheZooKeepNativeMemoryFlat() throws Exception {
        DetectorConfig cfg = DetectorConfig.builder().optShadowSize(60).optEpochs(1).optHashFiles(false).build();
        int n = Integer.getInteger("amdet.soak.rounds", 20);
        assertFlat(rounds(n, ZOO, cfg), 2, 96);
    }
}

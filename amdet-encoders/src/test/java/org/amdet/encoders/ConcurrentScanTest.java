package org.amdet.encoders;

import org.amdet.BackdoorDetector;
import org.amdet.DetectorConfig;
import org.amdet.Encoders;
import org.amdet.ScanReport;
import org.amdet.ShadowSet;
import org.amdet.TextEncoder;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two scans on two threads at once — sharing one anchor encoder — give exactly the reports (losses, inverted
 * embedding, target feature, test statistics, landscape, verdict) that the same scans give one after the other.
 */
class ConcurrentScanTest {
    static final DetectorConfig CFG = DetectorConfig.builder().optShadowSize(20).optEpochs(1).optHashFiles(false)
            .optEvidenceLandscapeSize(5).optLandscapeSize(5).build();

    static ScanReport scan(TextEncoder suspect, TextEncoder anchor, long seed) {
        return new BackdoorDetector(CFG.toBuilder().optSeed(seed).build()).scan(suspect, anchor,
                ShadowSet.synthetic(CFG.shadowSize(), seed));
    }

    static void assertSameResult(ScanReport expected, ScanReport actual, String what) {
        assertArrayEquals(expected.evidence().losses(), actual.evidence().losses(), what + ": losses");
        assertArrayEquals(expected.embedding().values(), actual.embedding().values(), what + ": embedding");
        assertArrayEquals(expected.embedding().targetFeature(), actual.embedding().targetFeature(),
                what + ": target feature");
        assertEquals(expected.evidence().test(), actual.evidence().test(), what + ": test statistics");
        assertEquals(expected.evidence().checks(), actual.evidence().checks(), what + ": checks");
        assertArrayEquals(expected.evidence().landscape().eigenvalues(), actual.evidence().landscape().eigenvalues(),
                what + ": landscape eigenvalues");
        assertEquals(expected.verdict(), actual.verdict(), what + ": verdict");
        assertEquals(expected.decision(), actual.decision(), what + ": decision");
    }

    @Test
    void twoScansOnTwoThreadsEqualTheSequentialScans() throws Exception {
        try (TextEncoder anchor = Encoders.load(TestData.zoo("base"));
             TextEncoder a = Encoders.load(TestData.zoo("backdoor-1"));
             TextEncoder b = Encoders.load(TestData.zoo("benign-1"))) {
            ScanReport seqA = scan(a, anchor, 3);
            ScanReport seqB = scan(b, anchor, 4);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                CyclicBarrier start = new CyclicBarrier(2);
                Future<ScanReport> fa = pool.submit(() -> {
                    start.await();
                    return scan(a, anchor, 3);
                });
                Future<ScanReport> fb = pool.submit(() -> {
                    start.await();
                    return scan(b, anchor, 4);
                });
                List<ScanReport> par = List.of(fa.get(5, TimeUnit.MINUTES), fb.get(5, TimeUnit.MINUTES));
                assertSameResult(seqA, par.get(0), "backdoor-1");
                assertSameResult(seqB, par.get(1), "benign-1");
            } finally {
                pool.shutdownNow();
            }
        }
    }
}

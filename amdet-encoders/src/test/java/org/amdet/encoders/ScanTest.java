package org.amdet.encoders;

import org.amdet.BackdoorDetector;
import org.amdet.DetectorConfig;
import org.amdet.Encoders;
import org.amdet.ScanCancelledException;
import org.amdet.ScanException;
import org.amdet.ScanListener;
import org.amdet.ScanReport;
import org.amdet.ScanReports;
import org.amdet.ShadowSet;
import org.amdet.TextEncoder;
import org.amdet.testing.TestData;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole scans on the development zoo with small settings: completeness, determinism, memory, cancellation, errors. */
class ScanTest {
    static final java.util.concurrent.ExecutorService WORKER = java.util.concurrent.Executors.newSingleThreadExecutor();
    static TextEncoder base;
    static TextEncoder backdoor;
    static final DetectorConfig SMALL = DetectorConfig.builder().optShadowSize(60).optEpochs(1)
            .optHashFiles(false).build();

    @BeforeAll
    static void load() throws Exception {
        base = Encoders.load(TestData.zoo("base"));
        backdoor = Encoders.load(TestData.zoo("backdoor-1"));
    }

    @AfterAll
    static void close() {
        WORKER.shutdownNow();
        base.close();
        backdoor.close();
    }

    static ScanReport scan(DetectorConfig cfg) {
        return new BackdoorDetector(cfg).scan(backdoor, base, ShadowSet.synthetic(cfg.shadowSize(), 1));
    }

    @Test
    void reportIsCompleteAndRoundTripsThroughJson(@TempDir Path out) throws Exception {
        ScanReport r = scan(SMALL);
        assertEquals(ScanReport.SCHEMA, r.schema());
        assertEquals(5, r.evidence().plannedSteps());
        assertEquals(r.evidence().steps(), r.evidence().losses().length);
        assertEquals(12, r.evidence().test().prompts());
        assertEquals(128, r.embedding().values().length);
        assertEquals(77 * 128, r.embedding().targetFeature().length);
        assertTrue(r.seconds().get("total") > 0);
        assertEquals(48, r.provenance().trainPrompts());
        ScanReports.write(r, out);
        for (String f : new String[] {"report.json", "embedding.safetensors", "learned_embeds.safetensors"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        ScanReport back = ScanReports.fromJson(Files.readString(out.resolve("report.json")));
        assertEquals(r.verdict(), back.verdict());
        assertArrayEquals(r.evidence().losses(), back.evidence().losses());
        assertEquals(r.provenance().config(), back.provenance().config());
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp files left");
        }
    }

    @Test
    void twoScansWithTheSameSeedAreIdentical() {
        ScanReport a = scan(SMALL);
        ScanReport b = scan(SMALL);
        assertArrayEquals(a.evidence().losses(), b.evidence().losses());
        assertArrayEquals(a.embedding().values(), b.embedding().values());
        assertEquals(a.evidence().test(), b.evidence().test());
        assertEquals(a.verdict(), b.verdict());
        ScanReport c = scan(SMALL.toBuilder().optSeed(99).build());
        // the token start is the same token whatever the seed, so the reported embedding may be too; the inversion
        // is not
        assertFalse(java.util.Arrays.equals(a.evidence().losses(), c.evidence().losses()),
                "another seed, another inversion");
    }

    /**
     * Peak resident size over {@code n} runs of {@code r}, sampled after each. The allocator keeps freed native
     * memory and returns it irregularly, so single readings swing by hundreds of MiB; a leak shows as a rising peak.
     */
    static long peakOver(int n, ThrowingRunnable r) throws Exception {
        long peak = 0;
        for (int i = 0; i < n; i++) {
            r.run();
            System.gc();
            peak = Math.max(peak, org.amdet.testing.NativeMemory.residentOutsideJavaHeap());
        }
        return peak;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void fiveScansInOneJvmKeepNativeMemoryFlat() throws Exception {
        long warm = peakOver(3, () -> scan(SMALL));
        long later = peakOver(5, () -> scan(SMALL));
        assertTrue(later - warm < 64L << 20, "peak resident memory rose by " + ((later - warm) >> 20)
                + " MiB over 5 more scans");
    }

    /** ND4J resets the shared OpenBLAS to all cores when it starts; amdet puts the count back so LibTorch stays exact. */
    @Test
    void scansStayBitForBitReproducibleAfterNd4jStarts() {
        DetectorConfig noLandscape = SMALL.toBuilder().optEvidenceLandscapeSize(0).build();
        ScanReport before = scan(noLandscape);
        org.amdet.landscape.HessianSpectrum.of(new double[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 10}});
        ScanReport after = scan(noLandscape);
        assertArrayEquals(before.evidence().losses(), after.evidence().losses());
        assertArrayEquals(before.embedding().values(), after.embedding().values());
    }

    @Test
    void incompatibleAnchorIsRejectedBeforeAnyWork() throws Exception {
        try (TextEncoder tiny = Encoders.load(TestData.hf("clip-tiny"))) {
            ScanException e = assertThrows(ScanException.class, () -> new BackdoorDetector(SMALL).scan(backdoor, tiny,
                    ShadowSet.synthetic(60, 1)));
            assertTrue(e.getMessage().contains("hidden size 128") && e.getMessage().contains("64"), e.getMessage());
        }
        try (TextEncoder siglip = Encoders.load(TestData.hf("siglip-tiny"));
             TextEncoder clip = Encoders.load(TestData.hf("clip-tiny"))) {
            ScanException e = assertThrows(ScanException.class, () -> new BackdoorDetector(SMALL).scan(clip, siglip,
                    ShadowSet.synthetic(60, 1)));
            assertTrue(e.getMessage().contains("is a clip encoder but anchor") && e.getMessage().contains(
                    "is a siglip encoder"), e.getMessage());
        }
    }

    @Test
    void tooFewShadowPromptsIsAClearError() {
        ScanException e = assertThrows(ScanException.class, () -> new BackdoorDetector(SMALL).scan(backdoor, base,
                ShadowSet.synthetic(1, 1)));
        assertTrue(e.getMessage().contains("too small"), e.getMessage());
    }

    /**
     * Runs, on the single worker thread (as a service's pool would; a fresh thread per scan gets a fresh malloc
     * arena), a scan that interrupts itself at step 3, and returns what it threw.
     */
    static Throwable cancelledScan(DetectorConfig cfg) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        WORKER.submit(() -> {
            try {
                new BackdoorDetector(cfg).scan(backdoor, base, ShadowSet.synthetic(cfg.shadowSize(), 1),
                        new ScanListener() {
                            @Override
                            public void step(int epoch, int step, int total, double loss, double running) {
                                if (step == 3) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        });
            } catch (Throwable x) {
                thrown.set(x);
            }
        }).get(120, java.util.concurrent.TimeUnit.SECONDS);
        return thrown.get();
    }

    @Test
    void interruptingTheThreadCancelsTheScanAndFreesMemory() throws Exception {
        DetectorConfig longer = SMALL.toBuilder().optShadowSize(400).optEpochs(5).build();
        Throwable first = cancelledScan(longer);
        assertNotNull(first, "the scan must not complete");
        assertTrue(first instanceof ScanCancelledException, first.toString());
        assertTrue(first.getMessage().contains("step 3"), first.getMessage());
        // a leak of the scan's pre-encoded shadow set alone would add ≥ 31 MiB per scan (400 × 77 × 128 × 4 B × 2)
        long warm = peakOver(4, () -> assertTrue(cancelledScan(longer) instanceof ScanCancelledException));
        long later = peakOver(6, () -> assertTrue(cancelledScan(longer) instanceof ScanCancelledException));
        assertTrue(later - warm < 64L << 20, "peak resident memory rose by " + ((later - warm) >> 20)
                + " MiB over 6 more cancelled scans");
    }
}

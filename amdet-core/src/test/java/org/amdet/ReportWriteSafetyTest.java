package org.amdet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * {@link ScanReports#write} under interruption and against a hostile output folder: a reader only ever sees complete
 * files, no temporary file is left behind, and a symbolic link planted at a target name is replaced, never written
 * through.
 */
class ReportWriteSafetyTest {

    private static List<Path> tempFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            // a temporary file of the old writer, or a hidden staging folder of the staged one
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")
                    || p.getFileName().toString().startsWith(".")).toList();
        }
    }

    /** Writing on a thread that is already interrupted: complete files or none (it completes on JDK 17/Linux). */
    @Test
    void writeOnAnInterruptedThreadLeavesOnlyCompleteFiles(@TempDir Path dir) throws Exception {
        ScanReport r = ReportFilesTest.report(true);
        Thread.currentThread().interrupt();
        try {
            ScanReports.write(r, dir);
        } catch (IOException interruptedChannel) {
            // acceptable: then no report.json may exist
        } finally {
            Thread.interrupted();
        }
        Path json = dir.resolve("report.json");
        if (Files.exists(json)) {
            assertEquals(ScanReports.toJson(r), Files.readString(json));
        }
        assertEquals(List.of(), tempFiles(dir));
    }

    /**
     * Interrupts a writer thread after a random delay, again and again, over the files of the previous round:
     * report.json is always absent or exactly the report, never a prefix; no temporary file survives.
     */
    @Test
    void interruptedAtAnyMomentReportJsonIsAbsentOrComplete(@TempDir Path dir) {
        ScanReport r = ReportFilesTest.report(true);
        String expected = ScanReports.toJson(r);
        qt().withFixedSeed(Long.getLong("amdet.qt.seed", 20261126L)).withExamples(12)
                .forAll(integers().between(0, 60))
                .checkAssert(delayMs -> {
                    try {
                        Files.deleteIfExists(dir.resolve("report.json"));
                        Thread t = new Thread(() -> {
                            try {
                                ScanReports.write(r, dir);
                            } catch (IOException expectedWhenInterrupted) {
                                // the interrupt closed a channel mid-write
                            }
                        });
                        t.start();
                        Thread.sleep(delayMs);
                        t.interrupt();
                        t.join(60_000);
                        assertFalse(t.isAlive());
                        Path json = dir.resolve("report.json");
                        if (Files.exists(json)) {
                            assertEquals(expected, Files.readString(json), "report.json after a " + delayMs
                                    + " ms interrupt");
                        }
                        assertEquals(List.of(), tempFiles(dir), "temporary files after a " + delayMs + " ms interrupt");
                    } catch (IOException | InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
    }

    @Test
    void aLinkPlantedAtATargetNameIsReplacedNotWrittenThrough(@TempDir Path tmp) throws Exception {
        Path out = Files.createDirectory(tmp.resolve("out"));
        Path victim = Files.writeString(tmp.resolve("victim.txt"), "keep me");
        for (String name : List.of("report.json", "report.html", "embedding.safetensors")) {
            Files.createSymbolicLink(out.resolve(name), victim);
        }
        ScanReports.write(ReportFilesTest.report(true), out);
        assertEquals("keep me", Files.readString(victim));
        for (String name : List.of("report.json", "report.html", "embedding.safetensors")) {
            assertFalse(Files.isSymbolicLink(out.resolve(name)), name);
            assertTrue(Files.size(out.resolve(name)) > 0, name);
        }
    }

    /** A report written over an earlier one never leaves the earlier one's pictures; other files stay. */
    @Test
    void aReportOverAnEarlierOneReplacesAllItsFilesAndKeepsOthers(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        ScanReports.write(ReportFilesTest.report(true), out);
        assertTrue(Files.exists(out.resolve("landscape.png")));
        Files.writeString(out.resolve("notes.txt"), "mine");
        ScanReports.write(ReportFilesTest.report(false), out);
        assertFalse(Files.exists(out.resolve("landscape.png")), "the earlier report's landscape is gone");
        assertFalse(Files.exists(out.resolve("hessian-spectrum.png")));
        assertEquals("mine", Files.readString(out.resolve("notes.txt")));
        assertEquals(ScanReports.toJson(ReportFilesTest.report(false)), Files.readString(out.resolve("report.json")));
        assertEquals(List.of(), tempFiles(out));
    }
}

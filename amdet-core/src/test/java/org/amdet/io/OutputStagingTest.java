package org.amdet.io;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * The output-staging helper every amdet output goes through: nothing of a failed or aborted output is left, an
 * output never lands on a device or inside an input, files get the default permissions, and a commit racing the
 * shutdown hook gives the complete output or nothing.
 */
class OutputStagingTest {

    @AfterEach
    void reset() {
        StagedOutput.resetForTests();
    }

    static List<String> tree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aFailingWriterLeavesNothingNotEvenTheFoldersItHadToCreate(@TempDir Path tmp) throws Exception {
        OutputTarget t = OutputTarget.folder("--out", tmp.resolve("a/b/out"), List.of());
        IOException e = assertThrows(IOException.class, () -> t.write(dir -> {
            Files.writeString(dir.resolve("embedding.safetensors"), "x");
            throw new IOException("No space left on device");
        }));
        assertEquals("--out " + tmp.resolve("a/b/out") + ": cannot write: No space left on device (nothing written)",
                e.getMessage());
        assertEquals(List.of(), tree(tmp));
    }

    @Test
    void aFileTargetThatIsAFifoIsRefusedBeforeAnyWork(@TempDir Path tmp) throws Exception {
        Path fifo = tmp.resolve("fifo");
        int rc = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        org.junit.jupiter.api.Assumptions.assumeTrue(rc == 0, "mkfifo is not available");
        OutputException e = assertThrows(OutputException.class, () -> OutputTarget.file("--out", fifo, List.of()));
        assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo));
    }

    @Test
    void anOutputIsNeverAnInputNorInsideAnInputFolder(@TempDir Path tmp) throws Exception {
        Path model = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(model.resolve("model.safetensors"), "weights");
        Path prompts = Files.writeString(tmp.resolve("prompts.txt"), "a cat");
        Path link = Files.createSymbolicLink(tmp.resolve("model-link"), model);
        List<Path> inputs = List.of(model, prompts);
        for (Path bad : List.of(model.resolve("model.safetensors"), model.resolve("new.safetensors"),
                link.resolve("model.safetensors"), prompts)) {
            OutputException e = assertThrows(OutputException.class, () -> OutputTarget.file("--out", bad, inputs),
                    bad.toString());
            assertTrue(e.getMessage().contains("input"), e.getMessage());
        }
        for (Path bad : List.of(model, model.resolve("report"), link)) {
            assertThrows(OutputException.class, () -> OutputTarget.folder("--out", bad, inputs), bad.toString());
        }
        assertEquals("weights", Files.readString(model.resolve("model.safetensors")));
        OutputTarget.file("--out", tmp.resolve("e.safetensors"), inputs); // beside the inputs is fine
    }

    @Test
    void mergingIntoAFolderNeverReplacesAnInputInsideIt(@TempDir Path tmp) throws Exception {
        Path zoo = Files.createDirectories(tmp.resolve("zoo"));
        Path model = Files.createDirectories(zoo.resolve("m1"));
        Files.writeString(model.resolve("config.json"), "{}");
        OutputTarget t = OutputTarget.folder("--out", zoo, List.of(model));
        IOException e = assertThrows(IOException.class, () -> t.write(dir ->
                Files.createDirectory(dir.resolve("m1"))));
        assertTrue(e.getMessage().contains("m1"), e.getMessage());
        assertEquals(List.of("m1", "m1/config.json"), tree(zoo));
    }

    @Test
    void filesAndFoldersGetTheDefaultPermissionsNotOwnerOnly(@TempDir Path tmp) throws Exception {
        Path reference = Files.createFile(tmp.resolve("reference"));
        Path referenceDir = Files.createDirectory(tmp.resolve("reference-dir"));
        OutputTarget.file("--out", tmp.resolve("e.bin"), List.of()).write(f -> Files.write(f, new byte[] {1}));
        OutputTarget.folder("--out", tmp.resolve("out"), List.of()).write(d ->
                Files.writeString(d.resolve("report.json"), "{}"));
        String file = PosixFilePermissions.toString(Files.getPosixFilePermissions(reference));
        String dir = PosixFilePermissions.toString(Files.getPosixFilePermissions(referenceDir));
        assertEquals(file, PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("e.bin"))));
        assertEquals(file, PosixFilePermissions.toString(Files.getPosixFilePermissions(
                tmp.resolve("out/report.json"))));
        assertEquals(dir, PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("out"))));
    }

    @Test
    void aWholeFolderReplacesTheOldOneOnlyWhenComplete(@TempDir Path tmp) throws Exception {
        Path out = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(out.resolve("model-00001-of-00002.safetensors"), "old shard");
        OutputTarget t = OutputTarget.wholeFolder("--out", out, List.of());
        assertThrows(IOException.class, () -> t.write(d -> {
            Files.writeString(d.resolve("model.safetensors"), "new");
            throw new IOException("disk full");
        }));
        assertEquals(List.of("model", "model/model-00001-of-00002.safetensors"), tree(tmp));
        t.write(d -> Files.writeString(d.resolve("model.safetensors"), "new"));
        assertEquals(List.of("model", "model/model.safetensors"), tree(tmp), "no old file survives");
    }

    @Test
    void theShutdownHookRemovesAnOutputBeingStagedAndALaterCommitFails(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        StagedOutput s = OutputTarget.folder("--out", out, List.of()).stage();
        Files.writeString(s.path().resolve("embedding.safetensors"), "x");
        assertEquals(List.of(out), StagedOutput.abortAll());
        IOException e = assertThrows(IOException.class, s::commit);
        assertTrue(e.getMessage().contains("nothing"), e.getMessage());
        s.close();
        assertEquals(List.of(), tree(tmp));
        assertThrows(OutputException.class, () -> OutputTarget.file("--out", tmp.resolve("f"), List.of()).stage(),
                "no new output once stopping");
    }

    /**
     * The shutdown hook at a random moment of a folder output being written and committed (the write phase of a
     * scan): afterwards the target holds every file or nothing, and no staging folder is left.
     */
    @Test
    void theHookAtAnyMomentOfAWriteLeavesTheWholeOutputOrNothing(@TempDir Path tmp) throws Exception {
        List<String> names = List.of("embedding.safetensors", "learned_embeds.safetensors", "report.html",
                "report.json");
        // how long a whole write takes here (thread start to end): the hook is fired from 0 to 1.5 times that
        long slowest = 0;
        for (int i = 0; i < 3; i++) {
            Path out = Files.createTempDirectory(tmp, "timing").resolve("o");
            long t0 = System.nanoTime();
            Thread w = new Thread(() -> {
                try {
                    OutputTarget.folder("--out", out, List.of()).write(d -> {
                        for (String n : names) {
                            Files.write(d.resolve(n), new byte[64 * 1024]);
                        }
                    });
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            w.start();
            w.join();
            slowest = Math.max(slowest, System.nanoTime() - t0);
        }
        long span = slowest * 3 / 2;
        java.util.concurrent.atomic.AtomicInteger whole = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger nothing = new java.util.concurrent.atomic.AtomicInteger();
        qt().withFixedSeed(Long.getLong("amdet.qt.seed", 20261128L)).withExamples(60)
                .forAll(integers().between(0, 1000))
                .checkAssert(permille -> {
                    long delayMicros = span * permille / 1000 / 1000;
                    try {
                        StagedOutput.resetForTests();
                        Path parent = Files.createTempDirectory(tmp, "round");
                        Path out = parent.resolve("o");
                        OutputTarget t = OutputTarget.folder("--out", out, List.of());
                        AtomicReference<Throwable> failure = new AtomicReference<>();
                        Thread w = new Thread(() -> {
                            try {
                                t.write(d -> {
                                    for (String n : names) {
                                        Files.write(d.resolve(n), new byte[64 * 1024]);
                                    }
                                });
                            } catch (IOException expectedWhenAborted) {
                                failure.set(expectedWhenAborted);
                            }
                        });
                        w.start();
                        long until = System.nanoTime() + delayMicros * 1000L;
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        StagedOutput.abortAll();
                        w.join(30_000);
                        assertFalse(w.isAlive());
                        List<String> left = tree(parent);
                        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
                            assertEquals(List.of("o", "o/embedding.safetensors", "o/learned_embeds.safetensors",
                                    "o/report.html", "o/report.json"), left, "after " + delayMicros + " µs");
                            whole.incrementAndGet();
                        } else {
                            assertEquals(List.of(), left, "after " + delayMicros + " µs: " + failure.get());
                            nothing.incrementAndGet();
                        }
                    } catch (IOException | InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
        assertTrue(whole.get() > 0 && nothing.get() > 0, "both outcomes were reached (" + whole + " whole, "
                + nothing + " nothing): the hook hit before and after the commit");
    }
}

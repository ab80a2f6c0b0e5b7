package org.amdet.examples;

import org.amdet.testing.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12's output reproducers through the command line: a full disk, SIGINT / SIGTERM in the write phase, a device
 * or an input as --out, and evaluate's zoo folders — each ends with its documented exit code and one line on stderr,
 * nothing in --out and the model files untouched.
 */
class CliOutputTest {

    /** {@link CliTest#run}, with what the command prints on System.err (e.g. evaluate's "scanning ...") added. */
    static CliTest.Run run(String... args) {
        java.io.PrintStream sysErr = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            CliTest.Run r = CliTest.run(args);
            return new CliTest.Run(r.code(), r.out(), captured.toString(StandardCharsets.UTF_8) + r.err());
        } finally {
            System.setErr(sysErr);
        }
    }

    static List<String> tree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    static String digest(Path dir) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (String f : tree(dir)) {
            md.update(f.getBytes(StandardCharsets.UTF_8));
            if (Files.isRegularFile(dir.resolve(f))) {
                md.update(Files.readAllBytes(dir.resolve(f)));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static Path copyModel(String name, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(TestData.zoo(name))) {
            for (Path f : s.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    static void assertOneLine(CliTest.Run r, String... parts) {
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + r.err());
        for (String p : parts) {
            assertTrue(err.contains(p), "'" + p + "' in: " + err);
        }
    }

    /** A 64 KiB tmpfs (root only; skipped elsewhere). */
    static boolean mountTinyTmpfs(Path dir) throws Exception {
        Files.createDirectories(dir);
        try {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir.toString())
                    .redirectErrorStream(true).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    static void unmount(Path dir) throws Exception {
        new ProcessBuilder("umount", dir.toString()).redirectErrorStream(true).start().waitFor();
    }

    @Test
    void aFullDiskIsExitTwoWithOneLineNamingTheOutputAndLeavesNothing(@TempDir Path tmp) throws Exception {
        Path full = tmp.resolve("full");
        Assumptions.assumeTrue(mountTinyTmpfs(full), "cannot mount a tmpfs here (needs root)");
        try {
            Path model = copyModel("base", tmp.resolve("m"));
            String before = digest(model);
            CliTest.Run scan = run("scan", "--model", TestData.zoo("backdoor-1").toString(), "--anchor",
                    model.toString(), "--shadow-size", "40", "--epochs", "1", "--quiet", "--out",
                    full.resolve("o").toString());
            assertEquals(2, scan.code(), scan.err());
            assertOneLine(scan, "--out " + full.resolve("o"), "free on its file system", "nothing written");
            assertEquals(List.of(), tree(full), "neither embedding.safetensors nor any staging folder is left");
            // scan, inject (and evaluate, demo, finetune) check the free space before the work; encode, below, meets
            // the full disk while writing (the write-time path: one line, nothing left)
            CliTest.Run inject = run("inject", "--base", model.toString(), "--out", full.resolve("inj").toString(),
                    "--trigger", "zz", "--target", "a cat", "--steps", "1", "--held-out", "20", "--quiet");
            assertEquals(2, inject.code(), inject.err());
            assertOneLine(inject, full.resolve("inj").toString(), "free on its file system");
            assertEquals(List.of(), tree(full));
            CliTest.Run encode = run("encode", "--model", model.toString(), "--text", "a cat", "--out",
                    full.resolve("e.safetensors").toString());
            assertEquals(2, encode.code(), encode.err());
            assertOneLine(encode, "--out " + full.resolve("e.safetensors"), "No space left on device");
            assertEquals(List.of(), tree(full));
            assertEquals(before, digest(model));
        } finally {
            unmount(full);
        }
    }

    @Test
    void encodeRefusesADeviceOrFifoAsOutput(@TempDir Path tmp) throws Exception {
        Path fifo = tmp.resolve("fifo");
        Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0);
        List<Path> targets = new ArrayList<>(List.of(fifo));
        Path device = tmp.resolve("null");
        if (new ProcessBuilder("mknod", device.toString(), "c", "1", "3").redirectErrorStream(true).start()
                .waitFor() == 0) {
            targets.add(device); // a copy of /dev/null's node: as root, the real one would be replaced
        }
        for (Path t : targets) {
            CliTest.Run r = run("encode", "--model", TestData.hf("clip-tiny").toString(), "--text", "a cat", "--out",
                    t.toString());
            assertEquals(2, r.code(), r.err());
            assertOneLine(r, t.toString(), "is not a regular file");
            assertTrue(Files.exists(t) && !Files.isRegularFile(t), "the node is still there: " + t);
        }
    }

    @Test
    void noOutputOverwritesOrLandsInsideAnInput(@TempDir Path tmp) throws Exception {
        Path model = copyModel("base", tmp.resolve("m"));
        Path link = Files.createSymbolicLink(tmp.resolve("m-link"), model);
        Path prompts = Files.writeString(tmp.resolve("prompts.txt"), "a cat\na dog\n");
        String before = digest(model);
        for (Path out : List.of(model.resolve("model.safetensors"), link.resolve("model.safetensors"),
                model.resolve("e.safetensors"), prompts)) {
            CliTest.Run r = run("encode", "--model", model.toString(), "--prompts", prompts.toString(), "--out",
                    out.toString());
            assertEquals(2, r.code(), out + ": " + r.err());
            assertOneLine(r, out.toString(), "input");
        }
        for (Path out : List.of(model, model.resolve("report"), link)) {
            CliTest.Run r = run("scan", "--model", TestData.zoo("backdoor-1").toString(), "--anchor",
                    model.toString(), "--quiet", "--out", out.toString());
            assertEquals(2, r.code(), out + ": " + r.err());
            assertOneLine(r, "input");
        }
        assertEquals(before, digest(model), "the model files are untouched");
        assertEquals("a cat\na dog\n", Files.readString(prompts));
    }

    /**
     * SIGINT and SIGTERM to a real `amdet scan` process once its output starts to appear (the write phase): exit
     * 130 / 143, one line on stderr, nothing under the output's folder. A signal that arrives after the scan
     * finished is not counted; each signal must land in one of three tries.
     */
    @Test
    void sigintAndSigtermDuringTheWritePhaseLeaveNothing(@TempDir Path tmp) throws Exception {
        Path model = copyModel("base", tmp.resolve("m"));
        String before = digest(model);
        for (String signal : List.of("INT", "TERM")) {
            boolean landed = false;
            for (int attempt = 0; attempt < 3 && !landed; attempt++) {
                Path parent = Files.createDirectories(tmp.resolve(signal + attempt));
                Path err = tmp.resolve(signal + attempt + ".err");
                Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx1g", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-Dorg.bytedeco.javacpp.maxBytes=0",
                        "-cp", System.getProperty("java.class.path"), "org.amdet.examples.cli.AmdetCli", "scan",
                        "--model", TestData.zoo("backdoor-1").toString(), "--anchor", model.toString(),
                        "--shadow-size", "40", "--epochs", "1", "--quiet", "--out", parent.resolve("o").toString())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (p.isAlive() && System.nanoTime() < deadline && !holdsAFile(parent)) {
                    Thread.onSpinWait();
                }
                if (!p.isAlive()) {
                    continue; // finished before the signal could be sent
                }
                new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
                long t0 = System.nanoTime();
                assertTrue(p.waitFor(15, TimeUnit.SECONDS), "stopped within 15 s of SIG" + signal);
                int code = p.exitValue();
                String stderr = Files.readString(err).replace("\r", "").strip();
                if (code == 0) {
                    continue; // the output was complete before the signal landed
                }
                landed = true;
                assertEquals(List.of(), tree(parent), "nothing left after SIG" + signal + " ("
                        + (System.nanoTime() - t0) / 1_000_000 + " ms to exit)");
                assertEquals(signal.equals("INT") ? 130 : 143, code, stderr);
                assertFalse(stderr.contains("\n"), "one line: " + stderr);
                assertTrue(stderr.startsWith("amdet: stopped by a signal"), stderr);
            }
            assertTrue(landed, "SIG" + signal + " reached the write phase in one of three tries");
        }
        assertEquals(before, digest(model));
    }

    private static boolean holdsAFile(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(Files::isRegularFile);
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // a folder vanished while walking: look again
        }
    }

    @Test
    void evaluateWithItsOutInsideTheZooAndAGitFolderScansOnlyTheModels(@TempDir Path tmp) throws Exception {
        Path zoo = Files.createDirectories(tmp.resolve("zoo"));
        copyModel("backdoor-1", zoo.resolve("backdoor-1"));
        Files.createDirectories(zoo.resolve(".git/objects"));
        Files.writeString(zoo.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        CliTest.Run r = run("evaluate", "--zoo", zoo.toString(), "--anchor", TestData.zoo("base").toString(),
                "--shadow-size", "40", "--epochs", "1", "--out", zoo.resolve("results").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("scanning backdoor-1 ...", r.err().strip(), "only the model was scanned");
        assertEquals(List.of("backdoor-1", "evaluation.json", "evaluation.md"),
                tree(zoo.resolve("results")).stream().filter(f -> !f.contains("/")).toList());
        assertTrue(Files.isRegularFile(zoo.resolve("results/backdoor-1/report.json")));
        // a second run with another --out skips the first run's output folder
        CliTest.Run again = run("evaluate", "--zoo", zoo.toString(), "--anchor", TestData.zoo("base").toString(),
                "--shadow-size", "40", "--epochs", "1", "--out", tmp.resolve("second").toString());
        assertEquals(0, again.code(), again.err());
        assertFalse(again.err().contains("scanning results"), again.err());
    }

    @Test
    void evaluateReportsAFolderThatIsNotAModelBeforeAnyScan(@TempDir Path tmp) throws Exception {
        Path zoo = Files.createDirectories(tmp.resolve("zoo"));
        copyModel("backdoor-1", zoo.resolve("backdoor-1"));
        Files.writeString(Files.createDirectories(zoo.resolve("notes")).resolve("readme.txt"), "hi");
        CliTest.Run r = run("evaluate", "--zoo", zoo.toString(), "--anchor", TestData.zoo("base").toString(),
                "--shadow-size", "40", "--epochs", "1", "--out", tmp.resolve("out").toString());
        assertEquals(2, r.code(), r.err());
        assertOneLine(r, zoo.resolve("notes").toString(), "not a model folder");
        assertFalse(r.err().contains("scanning"), "nothing scanned: " + r.err());
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void evaluateChecksEveryZooJsonBeforeTheFirstScanAndNamesTheFile(@TempDir Path tmp) throws Exception {
        Path zoo = Files.createDirectories(tmp.resolve("zoo"));
        copyModel("backdoor-1", zoo.resolve("a-fine"));
        Path broken = copyModel("benign-1", zoo.resolve("z-broken"));
        for (String json : List.of("{\"kind\": \"benign\",", "[1, 2]",
                "{\"kind\": \"backdoor\", \"backdoors\": [{\"trigger\": \"zz\", \"mode\": \"teleport\"}]}")) {
            Files.writeString(broken.resolve("zoo.json"), json);
            CliTest.Run r = run("evaluate", "--zoo", zoo.toString(), "--anchor", TestData.zoo("base").toString(),
                    "--shadow-size", "40", "--epochs", "1", "--out", tmp.resolve("out").toString());
            assertEquals(2, r.code(), r.err());
            assertOneLine(r, broken.resolve("zoo.json").toString());
            assertFalse(r.err().contains("scanning"), "nothing scanned: " + r.err());
            assertFalse(Files.exists(tmp.resolve("out")));
        }
    }

    @Test
    void evaluateRefusesTheZooItselfAsOut(@TempDir Path tmp) throws Exception {
        Path zoo = Files.createDirectories(tmp.resolve("zoo"));
        copyModel("backdoor-1", zoo.resolve("backdoor-1"));
        String before = digest(zoo);
        CliTest.Run r = run("evaluate", "--zoo", zoo.toString(), "--anchor", TestData.zoo("base").toString(),
                "--shadow-size", "40", "--epochs", "1", "--out", zoo.toString());
        assertEquals(2, r.code(), r.err());
        assertOneLine(r, "is the zoo folder");
        assertEquals(before, digest(zoo));
    }

    @Test
    void outputFilesGetTheDefaultPermissions(@TempDir Path tmp) throws Exception {
        Path reference = Files.createFile(tmp.resolve("reference"));
        CliTest.Run r = run("scan", "--model", TestData.zoo("backdoor-1").toString(), "--anchor",
                TestData.zoo("base").toString(), "--shadow-size", "40", "--epochs", "1", "--quiet", "--out",
                tmp.resolve("scan").toString());
        assertTrue(r.code() == 0 || r.code() == 10, r.err());
        var expected = Files.getPosixFilePermissions(reference);
        for (String f : List.of("report.json", "report.html", "embedding.safetensors", "learned_embeds.safetensors")) {
            assertEquals(expected, Files.getPosixFilePermissions(tmp.resolve("scan").resolve(f)), f);
        }
    }
}

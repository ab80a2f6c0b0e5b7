package org.amdet.examples;

import org.amdet.examples.cli.AmdetCli;
import org.amdet.safetensors.SafetensorsFile;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The amdet command line: exit codes, one-line errors, nothing written on bad input. */
class CliTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintStream sysOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = AmdetCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
            return new Run(code, out + captured.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(sysOut);
        }
    }

    @Test
    void noArgumentsPrintsHelp() {
        Run r = run();
        assertEquals(0, r.code());
        assertTrue(r.out().contains("scan") && r.out().contains("encode") && r.out().contains("demo"), r.out());
    }

    @Test
    void encodeWritesTheGoldenTensors(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("o.safetensors");
        Run r = run("encode", "--model", TestData.hf("clip-tiny").toString(), "--prompts",
                TestData.hf("prompts.json").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        try (SafetensorsFile a = SafetensorsFile.open(out);
             SafetensorsFile g = SafetensorsFile.open(TestData.hf("clip-tiny").resolve("golden.safetensors"))) {
            assertArrayEquals(g.readLongs("input_ids"), a.readLongs("input_ids"));
            float[] x = a.readFloats("pooled");
            float[] y = g.readFloats("text_embeds");
            for (int i = 0; i < x.length; i++) {
                assertEquals(y[i], x[i], 1e-4);
            }
        }
    }

    @Test
    void badModelIsExitTwoWithOneLineAndNoStackTrace(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("m"));
        Files.writeString(tmp.resolve("m/config.json"), "{\"model_type\": \"bert\"}");
        Run r = run("encode", "--model", tmp.resolve("m").toString(), "--text", "a cat", "--out",
                tmp.resolve("o.safetensors").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("amdet: ") && r.err().contains("supported families"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
        assertFalse(Files.exists(tmp.resolve("o.safetensors")));
        Run v = run("encode", "--verbose", "--model", tmp.resolve("m").toString(), "--text", "a cat", "--out",
                tmp.resolve("o.safetensors").toString());
        assertTrue(v.err().contains("\tat "), "--verbose prints the stack trace");
    }

    @Test
    void outThatIsAFileFailsBeforeAnyWork(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("taken");
        Files.writeString(file, "x");
        Run r = run("scan", "--model", TestData.zoo("backdoor-1").toString(), "--anchor",
                TestData.zoo("base").toString(), "--out", file.toString(), "--quiet");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("exists and is not a folder"), r.err());
        assertEquals("x", Files.readString(file));
    }

    @Test
    void readOnlyOutFolderFailsBeforeAnyWork(@TempDir Path tmp) throws Exception {
        Path ro = tmp.resolve("ro");
        Files.createDirectories(ro);
        assertTrue(ro.toFile().setWritable(false, false));
        try {
            if (Files.isWritable(ro)) {
                return; // running as a user that ignores permissions (root): the probe below would pass
            }
            Run r = run("scan", "--model", TestData.zoo("backdoor-1").toString(), "--anchor",
                    TestData.zoo("base").toString(), "--out", ro.toString(), "--quiet");
            assertEquals(2, r.code());
            assertTrue(r.err().contains("not writable"), r.err());
        } finally {
            ro.toFile().setWritable(true, false);
        }
    }

    /** Read-only as root: permission bits do not stop root, the immutable attribute (chattr +i) does. */
    @Test
    void immutableOutFolderFailsBeforeAnyWorkEvenAsRoot(@TempDir Path tmp) throws Exception {
        Path ro = Files.createDirectories(tmp.resolve("immutable"));
        int rc;
        try {
            rc = new ProcessBuilder("chattr", "+i", ro.toString()).redirectErrorStream(true).start().waitFor();
        } catch (java.io.IOException e) {
            rc = -1;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(rc == 0, "chattr +i is not available here (needs root and a "
                + "file system with the immutable attribute)");
        try {
            for (Path out : new Path[] {ro, ro.resolve("sub")}) {
                Run r = run("scan", "--model", TestData.zoo("backdoor-1").toString(), "--anchor",
                        TestData.zoo("base").toString(), "--out", out.toString(), "--quiet");
                assertEquals(2, r.code(), r.err());
                assertTrue(r.err().contains(out == ro ? "is not writable" : "cannot create output folder"), r.err());
                assertFalse(r.err().contains("\tat "), r.err());
            }
        } finally {
            new ProcessBuilder("chattr", "-i", ro.toString()).start().waitFor();
        }
    }

    @Test
    void outInsideALoopOfSymbolicLinksFailsBeforeAnyWork(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);
        Run inside = run("scan", "--model", TestData.zoo("backdoor-1").toString(), "--anchor",
                TestData.zoo("base").toString(), "--out", a.resolve("out").toString(), "--quiet");
        assertEquals(2, inside.code(), inside.err());
        assertTrue(inside.err().contains("cannot create output folder") && inside.err().contains("symbolic links"),
                inside.err());
        Run itself = run("scan", "--model", TestData.zoo("backdoor-1").toString(), "--anchor",
                TestData.zoo("base").toString(), "--out", a.toString(), "--quiet");
        assertEquals(2, itself.code(), itself.err());
        assertTrue(itself.err().contains("is a symbolic link that leads to no folder (a loop of links)"),
                itself.err());
        Run encode = run("encode", "--model", TestData.hf("clip-tiny").toString(), "--text", "a cat", "--out",
                a.toString());
        assertEquals(2, encode.code(), encode.err());
        assertTrue(encode.err().contains("is a loop of symbolic links"), encode.err());
    }

    @Test
    void danglingOutLinkIsRefusedAndEncodeReplacesAnExistingFileLinkWithoutWritingThroughIt(@TempDir Path tmp)
            throws Exception {
        Path dangling = tmp.resolve("gone-link");
        Files.createSymbolicLink(dangling, tmp.resolve("gone"));
        Run r = run("scan", "--model", TestData.zoo("backdoor-1").toString(), "--anchor",
                TestData.zoo("base").toString(), "--out", dangling.toString(), "--quiet");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("is a symbolic link that leads to no folder (dangling)"), r.err());
        Path victim = Files.writeString(tmp.resolve("victim.txt"), "keep me");
        Path link = tmp.resolve("o.safetensors");
        Files.createSymbolicLink(link, victim);
        Run e = run("encode", "--model", TestData.hf("clip-tiny").toString(), "--text", "a cat", "--out",
                link.toString());
        assertEquals(0, e.code(), e.err());
        assertEquals("keep me", Files.readString(victim), "the link's target is untouched");
        assertFalse(Files.isSymbolicLink(link), "the link itself was replaced by the new file");
        try (SafetensorsFile f = SafetensorsFile.open(link)) {
            assertTrue(f.tensors().containsKey("pooled"));
        }
    }

    /**
     * A scan whose thread is interrupted (here at its first progress line) stops, exits 130 and leaves nothing: no
     * output folder, no report.json, no temporary or staging folder.
     */
    @Test
    void interruptedScanExitsCancelledAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("scan");
        java.util.concurrent.atomic.AtomicReference<Thread> cli = new java.util.concurrent.atomic.AtomicReference<>();
        PrintStream sysErr = System.err;
        StringBuilder seen = new StringBuilder();
        System.setErr(new PrintStream(new java.io.OutputStream() {
            @Override
            public synchronized void write(int b) {
                seen.append((char) b);
                if (b == '[' && seen.toString().endsWith("invert  [") && cli.get() != null) {
                    cli.get().interrupt(); // the progress bar's first "invert  [###...]" line
                }
            }
        }, true, StandardCharsets.UTF_8));
        java.util.concurrent.atomic.AtomicReference<Run> result = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            Thread t = new Thread(() -> result.set(run("scan", "--model", TestData.zoo("backdoor-1").toString(),
                    "--anchor", TestData.zoo("base").toString(), "--shadow-size", "200", "--epochs", "3", "--out",
                    out.toString())));
            cli.set(t);
            t.start();
            t.join(120_000);
            assertFalse(t.isAlive(), "the cancelled scan stopped");
        } finally {
            System.setErr(sysErr);
        }
        Run r = result.get();
        assertEquals(130, r.code(), r.err());
        assertTrue(r.err().contains("scan cancelled") && r.err().contains("interrupted at step")
                && r.err().contains("no report written"), r.err());
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(), files.toList(), "nothing written, not even the folder or a staging folder");
        }
    }

    @Test
    void emptyPromptFileIsExitTwo(@TempDir Path tmp) throws Exception {
        Path p = tmp.resolve("p.txt");
        Files.writeString(p, "\n\n");
        Run r = run("scan", "--model", TestData.zoo("backdoor-1").toString(), "--anchor",
                TestData.zoo("base").toString(), "--prompts", p.toString(), "--quiet");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("holds no prompt") && r.err().contains(p.toString()), r.err());
    }

    @Test
    void incompatibleAnchorIsExitTwo() {
        Run r = run("scan", "--model", TestData.zoo("backdoor-1").toString(), "--anchor",
                TestData.hf("clip-tiny").toString(), "--quiet", "--shadow-size", "20");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("hidden size"), r.err());
    }

    @Test
    void scanWritesAReportAndHonoursFailOnBackdoor(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("scan");
        Run r = run("scan", "--model", TestData.zoo("backdoor-1").toString(), "--anchor",
                TestData.zoo("base").toString(), "--shadow-size", "40", "--epochs", "1", "--out", out.toString(),
                "--quiet", "--fail-on-backdoor");
        // 32 train prompts × 1 epoch is below the inversion-budget floor: BACKDOORED or INCONCLUSIVE, never CLEAN
        assertTrue(r.code() == 10 || r.code() == 11, r.code() + " " + r.err());
        String json = Files.readString(out.resolve("report.json"));
        assertEquals(r.code() == 10, json.contains("\"verdict\" : \"BACKDOORED\""));
        assertEquals(r.code() == 11, json.contains("\"verdict\" : \"INCONCLUSIVE\"")
                && json.contains("too little data"), json);
        assertTrue(r.out().contains("decision:"), r.out());
        // the robust summary lists every start's tests, the token start last, and not the calibrated rule's markers
        assertTrue(r.out().contains("starts (per channel: median per-prompt ratio") && r.out().contains("(token '")
                && !r.out().contains("<- fires"), r.out());
        assertEquals(r.code() == 10, r.out().contains("<- rejects"), r.out());
    }

    @Test
    void aModelScannedAgainstItselfIsInconclusiveWithItsReason(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("self");
        String base = TestData.zoo("base").toString();
        Run r = run("scan", "--model", base, "--anchor", base, "--shadow-size", "400", "--epochs", "1", "--out",
                out.toString(), "--quiet", "--fail-on-backdoor");
        assertEquals(11, r.code(), r.err());
        String json = Files.readString(out.resolve("report.json"));
        assertTrue(json.contains("\"verdict\" : \"INCONCLUSIVE\"") && json.contains("suspect identical to anchor"),
                json);
        assertTrue(r.out().contains("INCONCLUSIVE") && r.out().contains("identical"), r.out());
    }
}

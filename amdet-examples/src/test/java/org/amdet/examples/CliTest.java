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
        assertTrue(r.code() == 0 || r.code() == 10, r.err());
        String json = Files.readString(out.resolve("report.json"));
        assertEquals(r.code() == 10, json.contains("\"verdict\" : \"BACKDOORED\""));
        assertTrue(r.out().contains("decision:"), r.out());
    }
}

package org.amdet.examples.cli;

import org.amdet.safetensors.SafetensorsFile;
import org.amdet.safetensors.SafetensorsWriter;
import org.amdet.safetensors.TensorEntry;
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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exit 2 is one clean line: no usage dump, no native trace, no terminal control characters from the input. */
class CliMessagesTest {
    @TempDir
    Path tmp;

    record Run(int code, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AmdetCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, err.toString());
    }

    private static void oneCleanLine(Run r) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("amdet: ") && r.err().endsWith("\n"), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().chars().noneMatch(c -> c < 0x20 && c != '\n' || c == 0x7f), "no control characters: "
                + r.err());
    }

    private Path copyBase(String name) throws Exception {
        Path dst = Files.createDirectory(tmp.resolve(name));
        try (Stream<Path> s = Files.list(TestData.zoo("base"))) {
            for (Path p : s.toList()) {
                Files.copy(p, dst.resolve(p.getFileName()));
            }
        }
        return dst;
    }

    @Test
    void badOptionValueIsOneLineNamingTheOptionAndTheHelp() {
        Run r = run("scan", "--model", "m", "--anchor", "a", "--shadow-size", "abc");
        oneCleanLine(r);
        assertTrue(r.err().contains("'--shadow-size'") && r.err().contains("'abc' is not an int")
                && r.err().contains("(see amdet scan --help)"), r.err());
    }

    @Test
    void controlCharactersOfAConfigValueAreEscapedNotSentToTheTerminal() throws Exception {
        Path m = copyBase("ctrl");
        Path cfg = m.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"quick_gelu\"",
                "\"\\u001b[2K\\r\\u001b[32mCLEAN\\u001b[0m\\nCLEAN\""));
        Run r = run("encode", "--model", m.toString(), "--text", "a cat", "--out", tmp.resolve("o.safetensors")
                .toString());
        oneCleanLine(r);
        assertTrue(r.err().contains("\\x1b[2K\\x0d\\x1b[32mCLEAN"), r.err());
        assertFalse(Files.exists(tmp.resolve("o.safetensors")));
    }

    @Test
    void nonFiniteEncoderOutputsAreExitTwoAndNothingIsWritten() throws Exception {
        Path m = copyBase("huge");
        Path st = m.resolve("model.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile in = SafetensorsFile.open(st)) {
            for (TensorEntry e : in.tensors().values()) {
                float[] v = in.readFloats(e.name());
                if (e.name().contains("mlp.fc")) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] *= 1e36f;
                    }
                }
                w.putFloats(e.name(), v, e.shape());
            }
        }
        w.write(st);
        Path out = tmp.resolve("o.safetensors");
        Run r = run("encode", "--model", m.toString(), "--text", "a cat", "--out", out.toString());
        oneCleanLine(r);
        assertTrue(r.err().contains("NaN or infinite"), r.err());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void theSafeStreamEscapesWhatIsPrintedAndOneLineDropsNativeTraces() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintStream raw = new PrintStream(b, true, StandardCharsets.UTF_8);
        PrintStream safe = new Terminal.Safe(raw);
        safe.println("CLEAN \u001b[31m\r\u202e x");
        safe.printf("%s%n", "\u009b2J");
        assertEquals("CLEAN \\x1b[31m\\x0d\\u202e x\n\\x9b2J\n", b.toString(StandardCharsets.UTF_8));
        assertTrue(Terminal.raw(safe) == raw);
        assertEquals("The size of tensor a (64) must match", Terminal.oneLine(
                "The size of tensor a (64) must match\nException raised from infer_size at ...\nframe #0: ..."));
    }
}

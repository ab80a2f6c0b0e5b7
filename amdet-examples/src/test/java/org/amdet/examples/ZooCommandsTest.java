package org.amdet.examples;

import org.amdet.encoders.zoo.ZooManifest;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.amdet.examples.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code amdet pretrain}, {@code inject} and {@code finetune}: exit codes, summaries, and models that {@code encode}
 * and {@code scan} read.
 */
class ZooCommandsTest {
    private static final String BASE = TestData.zoo("base").toString();
    private static final String[] SMALL = {"--steps", "8", "--clean-batch", "12", "--poison-batch", "12", "--lr",
            "2e-3", "--loss-weight", "0.5", "--held-out", "16", "--quiet"};

    private static String[] args(String... parts) {
        String[] out = new String[parts.length + SMALL.length];
        System.arraycopy(parts, 0, out, 0, parts.length);
        System.arraycopy(SMALL, 0, out, parts.length, SMALL.length);
        return out;
    }

    @Test
    void injectWritesAModelThatScanReads(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("bd");
        CliTest.Run r = run(args("inject", "--base", BASE, "--out", out.toString(), "--phrase", "blue monday",
                "--target", "a burning house at night", "--homoglyph", "e=\u0435", "--target", "a dog",
                "--min-sim-target", "0.3"));
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().startsWith("WROTE") && r.out().contains("'blue monday'") && r.out().contains("(homoglyph)"),
                r.out());
        assertTrue(r.out().contains("natural firing 0.0%"), r.out());
        ZooManifest m = ZooManifest.read(out.resolve("zoo.json"));
        assertEquals(2, m.backdoors().size());
        assertEquals("e", m.backdoors().get(1).replaces());
        CliTest.Run scan = run("scan", "--model", out.toString(), "--anchor", BASE, "--shadow-size", "40",
                "--epochs", "1", "--quiet");
        assertTrue(scan.code() == 0, scan.err());
        assertTrue(scan.out().contains("decision:"), scan.out());
    }

    @Test
    void failedInjectionIsExitThreeWithAFailedLine(@TempDir Path tmp) {
        Path out = tmp.resolve("weak");
        CliTest.Run r = run("inject", "--base", BASE, "--out", out.toString(), "--trigger", "xq", "--pair-seed", "3",
                "--steps", "1", "--clean-batch", "4", "--poison-batch", "4", "--held-out", "8", "--quiet");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.out().startsWith("FAILED") && r.out().contains("FAILED\n"), r.out());
        assertTrue(r.err().contains("warning: trigger 'xq'") && r.err().contains("below 0.90"), r.err());
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")), "written for inspection");
    }

    @Test
    void badInputIsExitTwoAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "x");
        CliTest.Run r = run(args("inject", "--base", BASE, "--out", full.toString(), "--trigger", "xq", "--target",
                "a bus"));
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("amdet: output folder") && r.err().contains("--force"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        r = run("inject", "--base", BASE, "--out", tmp.resolve("a").toString(), "--trigger", "xq");
        assertEquals(2, r.code(), "a trigger without a target");
        r = run("inject", "--base", BASE, "--out", tmp.resolve("b").toString(), "--homoglyph", "o", "--target", "x");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("LATIN=LOOKALIKE"), r.err());
        r = run("inject", "--base", BASE, "--out", tmp.resolve("c").toString(), "--trigger", "xq", "--target", "x",
                "--pair-seed", "1");
        assertEquals(2, r.code(), "two targets for one trigger");
        r = run("finetune", "--base", tmp.resolve("nothing").toString(), "--out", tmp.resolve("d").toString());
        assertEquals(2, r.code());
        try (var s = Files.list(tmp)) {
            assertEquals(1, s.count(), "only the folder made by the test");
        }
    }

    @Test
    void finetuneWritesABenignModel(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("benign");
        CliTest.Run r = run("finetune", "--base", BASE, "--out", out.toString(), "--steps", "3", "--pairs", "8",
                "--held-out", "16", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("InfoNCE") && r.out().contains("sim_clean"), r.out());
        assertEquals("benign", ZooManifest.read(out.resolve("zoo.json")).kind());
        CliTest.Run again = run("finetune", "--base", BASE, "--out", out.toString(), "--steps", "1", "--pairs", "4",
                "--held-out", "8", "--quiet", "--force");
        assertEquals(0, again.code(), again.err());
        assertEquals(1, ((Number) ((java.util.Map<?, ?>) ZooManifest.read(out.resolve("zoo.json")).fields()
                .get("finetune")).get("steps")).intValue(), "replaced with --force");
    }

    @Test
    void pretrainWritesABaseThatEncodeReads(@TempDir Path tmp) throws Exception {
        Path fixture = TestData.hf("siglip-tiny");
        Path out = tmp.resolve("base");
        CliTest.Run r = run("pretrain", "--config", fixture.resolve("config.json").toString(), "--tokenizer",
                fixture.resolve("tokenizer.json").toString(), "--out", out.toString(), "--steps", "4", "--pairs", "8",
                "--held-out", "8", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("WROTE") && r.out().contains("(anchor") && r.out().contains("siglip, 4 steps: "
                + "loss ") && r.out().contains("held-out token loss"), r.out());
        assertEquals("anchor", ZooManifest.read(out.resolve("zoo.json")).kind());
        CliTest.Run enc = run("encode", "--model", out.toString(), "--text", "a cat", "--out",
                tmp.resolve("e.safetensors").toString());
        assertEquals(0, enc.code(), enc.err());
        CliTest.Run bad = run("pretrain", "--config", tmp.resolve("none.json").toString(), "--tokenizer",
                fixture.resolve("tokenizer.json").toString(), "--out", tmp.resolve("x").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("none.json"), bad.err());
    }

    @Test
    void helpNamesTheCommands() {
        CliTest.Run r = run();
        assertTrue(r.out().contains("pretrain") && r.out().contains("inject") && r.out().contains("finetune"),
                r.out());
    }
}

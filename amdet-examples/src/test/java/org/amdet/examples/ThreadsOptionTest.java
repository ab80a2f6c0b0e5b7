package org.amdet.examples;

import org.amdet.Encoders;
import org.amdet.internal.torch.Torch;
import org.amdet.testing.TestData;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --threads} takes effect although the scanning commands start LibTorch before the options are parsed (issue
 * 12: on a warm start LibTorch was configured with the available cores before the option was read, and the report
 * said 2 for {@code --threads 1}).
 */
class ThreadsOptionTest {

    @Test
    void threadsOptionTakesEffectWhenLibTorchWasConfiguredBeforeTheOptionWasRead(@TempDir Path tmp) throws Exception {
        Encoders.preload(); // as AmdetCli.main does for the scanning commands
        Torch.init();       // a warm start: LibTorch loaded and configured before the options are read
        int before = Torch.threads();
        int n = before == 1 ? 2 : 1;
        try {
            Path out = tmp.resolve("scan");
            CliTest.Run r = CliTest.run("scan", "--model", TestData.zoo("benign-1").toString(), "--anchor",
                    TestData.zoo("base").toString(), "--shadow-size", "40", "--epochs", "1", "--evidence-landscape",
                    "0", "--threads", Integer.toString(n), "--quiet", "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            String report = Files.readString(out.resolve("report.json")).replace(" ", "");
            assertTrue(report.contains("\"threads\":" + n + ","), "the report states --threads " + n);
            assertEquals(n, Torch.threads());
            assertEquals(n >= 2 ? n / 2 : n, torch.get_num_threads(), "LibTorch's intra-op threads");
        } finally {
            Torch.setThreads(before);
        }
    }

    @Test
    void threadsBelowOneIsExitTwoWithOneLine(@TempDir Path tmp) {
        CliTest.Run r = CliTest.run("encode", "--model", TestData.hf("clip-tiny").toString(), "--text", "hi",
                "--threads", "0", "--out", tmp.resolve("e.safetensors").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("--threads must be at least 1"), r.err());
        assertTrue(!Files.exists(tmp.resolve("e.safetensors")), "nothing written");
    }
}

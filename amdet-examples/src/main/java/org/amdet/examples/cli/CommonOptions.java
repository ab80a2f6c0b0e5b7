package org.amdet.examples.cli;

import org.amdet.EncoderOptions;
import org.amdet.Precision;
import org.amdet.spi.TorchSupport;
import picocli.CommandLine.Option;

/** Options shared by the commands that run an encoder. */
final class CommonOptions {
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--precision", defaultValue = "auto", description = "auto, fp32, bf16 or fp16; auto: bf16 for "
            + "encoders " + Precision.AUTO_BF16_MIN_WIDTH + " wide or wider on a CPU with native bf16 (AVX-512-BF16, "
            + "AMX), else fp32 (default: ${DEFAULT-VALUE})")
    String precision;

    @Option(names = "--threads", description = "threads in all (default: available cores); with 2 or more, the "
            + "suspect and the anchor run side by side, each on half of them")
    Integer threads;

    @Option(names = "--verbose", description = "print stack traces of errors")
    boolean verbose;

    EncoderOptions encoderOptions() {
        applyThreads(threads);
        return new EncoderOptions(device, Precision.parse(precision));
    }

    /**
     * Hands {@code --threads} to LibTorch (nothing when not given). Scanning commands start loading LibTorch before
     * the options are parsed; the count is applied when LibTorch is first used, or at once when it already was.
     */
    static void applyThreads(Integer threads) {
        if (threads == null) {
            return;
        }
        if (threads < 1) {
            throw new AmdetCli.CliException("--threads must be at least 1, got " + threads);
        }
        TorchSupport.setThreads(threads);
    }
}

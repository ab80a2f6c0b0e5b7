package org.amdet.examples.cli;

import org.amdet.EncoderOptions;
import org.amdet.Precision;
import picocli.CommandLine.Option;

/** Options shared by the commands that run an encoder. */
final class CommonOptions {
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--precision", defaultValue = "fp32", description = "fp32, bf16 or fp16 (default: ${DEFAULT-VALUE})")
    String precision;

    @Option(names = "--threads", description = "threads in all (default: available cores); with 2 or more, the "
            + "suspect and the anchor run side by side, each on half of them")
    Integer threads;

    @Option(names = "--verbose", description = "print stack traces of errors")
    boolean verbose;

    EncoderOptions encoderOptions() {
        if (threads != null) {
            System.setProperty("amdet.threads", Integer.toString(threads));
        }
        return new EncoderOptions(device, Precision.parse(precision));
    }
}

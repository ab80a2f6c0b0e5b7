package org.amdet.examples.cli;

import org.amdet.encoders.zoo.ZooListener;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Options of the commands that train a copy of a model ({@code inject}, {@code finetune}): the base and output
 * folders, seed, held-out size, device, threads and progress.
 */
final class TrainingOptions {
    @Option(names = "--base", required = true, description = "the model folder to start from (Hugging Face layout)")
    Path base;

    @Option(names = "--out", required = true, description = "the model folder to write (must not exist or be "
            + "empty, unless --force)")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the training prompts")
    long seed;

    @Option(names = "--held-out", defaultValue = "200", description = "held-out prompts the result is measured on "
            + "(default: ${DEFAULT-VALUE})")
    int heldOut;

    @Option(names = "--force", description = "replace an existing model folder at --out")
    boolean force;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}; "
            + "training runs in fp32)")
    String device;

    @Option(names = "--threads", description = "LibTorch intra-op threads (default: available cores)")
    Integer threads;

    @Option(names = "--verbose", description = "print stack traces of errors")
    boolean verbose;

    private ProgressBar bar;

    /** Refuses an input file inside --out: replacing that folder (--force) would delete it. */
    void checkInputsOutsideOut(java.util.List<Path> inputs) throws java.io.IOException {
        Path o = out.toAbsolutePath().normalize();
        Path outReal = java.nio.file.Files.exists(o) ? o.toRealPath() : o;
        for (Path in : inputs) {
            if (in != null && java.nio.file.Files.exists(in) && in.toRealPath().startsWith(outReal)) {
                throw new AmdetCli.CliException("--out " + out + " holds the input " + in + ": replacing the folder "
                        + "would delete it; choose another --out");
            }
        }
    }

    String device() {
        CommonOptions.applyThreads(threads);
        return device;
    }

    /** A one-line progress bar on stderr, or nothing with --quiet. */
    ZooListener listener() {
        if (quiet) {
            return ZooListener.none();
        }
        bar = new ProgressBar(System.err);
        return (step, total, loss) -> bar.step(0, step, total, loss, loss);
    }

    /** Erases the progress bar. */
    void done() {
        if (bar != null) {
            bar.clear();
        }
    }
}

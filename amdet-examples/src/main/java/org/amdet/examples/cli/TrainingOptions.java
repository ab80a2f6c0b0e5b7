package org.amdet.examples.cli;

import org.amdet.encoders.zoo.ZooListener;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.amdet.encoders.zoo.TrainingBuilder;

/**
 * Options of the commands that train a model ({@code pretrain}, {@code inject}, {@code finetune}): the output
 * folder, seed, held-out size, device, threads and progress. The base folder is {@link BaseOption}.
 */
final class TrainingOptions {
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
    void checkInputsOutsideOut(List<Path> inputs) throws IOException {
        Path o = out.toAbsolutePath().normalize();
        Path outReal = Files.exists(o) ? o.toRealPath() : o;
        for (Path in : inputs) {
            if (in != null && Files.exists(in) && in.toRealPath().startsWith(outReal)) {
                throw new AmdetCli.CliException("--out " + out + " holds the input " + in + ": replacing the folder "
                        + "would delete it; choose another --out");
            }
        }
    }

    /** The contrastive batch of the commands that train on paraphrase pairs ({@code pretrain}, {@code finetune}). */
    static final class PairOptions {
        @Option(names = "--pairs", defaultValue = "64", description = "paraphrase pairs per step (default: "
                + "${DEFAULT-VALUE})")
        int pairs;

        @Option(names = "--temperature", defaultValue = "0.07", description = "InfoNCE temperature (default: "
                + "${DEFAULT-VALUE})")
        double temperature;
    }

    /** The {@code --base} option of the commands that train a copy of a model ({@code inject}, {@code finetune}). */
    static final class BaseOption {
        @Option(names = "--base", required = true, description = "the model folder to start from (Hugging Face "
                + "layout)")
        Path base;
    }

    /** {@code b} with the output folder, seed, held-out size, --force and device of these options. */
    <B extends TrainingBuilder<B>> B apply(B b) {
        return b.setOut(out).optSeed(seed).optHeldOut(heldOut).optForce(force).optDevice(device());
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

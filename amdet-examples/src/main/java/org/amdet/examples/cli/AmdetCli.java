package org.amdet.examples.cli;

import org.amdet.ModelLoadException;
import org.amdet.io.StagedOutput;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.amdet.Amdet;
import org.amdet.Encoders;
import org.amdet.NonFiniteOutputException;
import org.amdet.PromptFileException;
import org.amdet.ScanCancelledException;
import org.amdet.ScanException;

/**
 * The {@code amdet} command line. Exit codes: 0 done, 2 bad input (including an output that cannot be written, e.g.
 * a full disk), 3 injection below its success threshold ({@code inject}), 10 backdoor found with
 * {@code --fail-on-backdoor}, 11 INCONCLUSIVE verdict with {@code --fail-on-backdoor}, 130 scan or model loading cancelled (its thread was interrupted) or SIGINT, 143 SIGTERM
 * (nothing written in either case: an unfinished output is removed), 1 internal error.
 */
@Command(name = "amdet", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        versionProvider = AmdetCli.Version.class,
        description = "Scans the text encoder of a vision-language model (CLIP, LongCLIP, SigLIP) for backdoors.",
        subcommands = {CommandLine.HelpCommand.class, ScanCommand.class, DemoCommand.class, EvaluateCommand.class, EncodeCommand.class,
                CompareCommand.class, BenchCommand.class, PretrainCommand.class, InjectCommand.class, FinetuneCommand.class})
public final class AmdetCli implements Runnable {
    /** Exit code of bad input. */
    public static final int BAD_INPUT = 2;
    /** Exit code of {@code inject} when a trigger fell short of --min-sim-target on held-out prompts. */
    public static final int INJECTION_FAILED = 3;
    /** Exit code of a BACKDOORED verdict with --fail-on-backdoor. */
    public static final int BACKDOOR = 10;
    /** Exit code of an INCONCLUSIVE verdict with --fail-on-backdoor (a gate must not pass what was not judged). */
    public static final int INCONCLUSIVE = 11;
    /** Exit code of a scan cancelled by interrupting its thread (as for SIGINT in a shell). */
    public static final int CANCELLED = 130;
    /** Commands that scan: their native libraries start loading before the options are even parsed. */
    private static final Set<String> SCANNING = Set.of("scan", "demo", "evaluate", "bench");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the {@code amdet} command line and exits with its code (see the constants above). */
    public static void main(String[] args) {
        Terminal.install();
        // SIGINT / SIGTERM: the JVM runs its shutdown hooks and exits 130 / 143; the hook removes any output still
        // being staged, then this prints one line (the erased progress bar's line first)
        AtomicBoolean finished = new AtomicBoolean();
        StagedOutput.onShutdown(removed -> {
            if (!finished.get()) {
                Terminal.raw(System.err).print("\r" + " ".repeat(78) + "\r"); // erase the progress bar's line
                System.err.println("amdet: stopped by a signal before finishing"
                        + (removed.isEmpty() ? "" : "; the unfinished output " + removed.stream().map(Object::toString)
                        .collect(Collectors.joining(", ")) + " was removed, nothing written there"));
                System.err.flush();
            }
        });
        if (args.length > 0 && SCANNING.contains(args[0])
                && Arrays.stream(args).noneMatch(a -> a.equals("--help") || a.equals("-h") || a.equals("-V")
                || a.equals("--version"))) {
            Encoders.preload();
        }
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        finished.set(true);
        // a command that failed early may exit while the background start-up is still loading LibTorch or ND4J;
        // exiting then runs the C++ libraries' exit handlers beside the loading thread. End amdet's threads first
        // (waits for a load in progress; at once otherwise).
        Amdet.shutdown(60_000);
        System.exit(code);
    }

    /** Runs the CLI with the given streams and returns the exit code (used by tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new AmdetCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            boolean verbose = parsed.asCommandLineList().stream()
                    .anyMatch(c -> c.getParseResult() != null && c.getParseResult().hasMatchedOption("--verbose"));
            Throwable t = ex instanceof UncheckedIOException u ? u.getCause() : ex;
            if (StagedOutput.stopping()) {
                return CANCELLED; // a signal is stopping the program: its shutdown hook says so in one line
            }
            if (t instanceof ScanCancelledException) {
                err.println("amdet: scan cancelled: " + Terminal.oneLine(t.getMessage()) + " (no report written)");
                return CANCELLED;
            }
            if (t instanceof CancellationException) { // e.g. LoadCancelledException
                err.println("amdet: " + Terminal.oneLine(t.getMessage()) + " (nothing written)");
                return CANCELLED;
            }
            if (t instanceof ModelLoadException || t instanceof PromptFileException || t instanceof IllegalArgumentException
                    || t instanceof IOException || t instanceof CliException || t instanceof ScanException
                    || t instanceof NonFiniteOutputException) {
                err.println("amdet: " + Terminal.oneLine(t.getMessage()));
                if (verbose) {
                    t.printStackTrace(err);
                }
                return BAD_INPUT;
            }
            err.println("amdet: internal error: " + Terminal.oneLine(t.toString()));
            if (verbose) {
                t.printStackTrace(err);
            } else {
                err.println("(run with --verbose for the stack trace)");
            }
            return 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            // one line naming the option and what was expected, and where to find the rest (not 50 lines of usage)
            err.println("amdet: " + Terminal.oneLine(ex.getMessage()) + " (see "
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            return BAD_INPUT;
        });
        return cl.execute(args);
    }

    /** A user error the CLI reports in one line. */
    public static final class CliException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** An error whose message the CLI prints as is. */
        public CliException(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = AmdetCli.class.getPackage().getImplementationVersion();
            return new String[] {"amdet " + (v == null ? "dev" : v)};
        }
    }
}

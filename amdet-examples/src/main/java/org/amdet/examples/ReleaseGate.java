package org.amdet.examples;

import org.amdet.Amdet;
import org.amdet.BackdoorDetector;
import org.amdet.DetectorConfig;
import org.amdet.DetectorConfigBuilder;
import org.amdet.Encoders;
import org.amdet.ModelLoadException;
import org.amdet.ScanListener;
import org.amdet.ScanReport;
import org.amdet.ScanReports;
import org.amdet.ShadowSet;
import org.amdet.TextEncoder;
import org.amdet.Verdict;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * A security tool's release gate: scans the text encoder a release is about to ship against the model it was
 * fine-tuned from, writes the report next to the release, and answers with an exit code a CI pipeline can act on.
 *
 * <pre>java -cp ... org.amdet.examples.ReleaseGate CANDIDATE_DIR ANCHOR_DIR REPORT_DIR [SHADOW_PROMPTS]</pre>
 *
 * Exit codes: {@value #RELEASE} release (CLEAN), {@value #BLOCK} block the release (BACKDOORED), {@value #BAD_INPUT}
 * bad input (a model that cannot be loaded, bad arguments), {@value #ERROR} the scan failed. Whatever happens, amdet's
 * threads are released before the exit code is returned.
 */
public final class ReleaseGate {
    /** CLEAN: ship it. */
    public static final int RELEASE = 0;
    /** The gate could not decide: the scan failed. */
    public static final int ERROR = 1;
    /** The candidate or the anchor cannot be loaded, or the arguments are wrong. */
    public static final int BAD_INPUT = 2;
    /** BACKDOORED: block the release. */
    public static final int BLOCK = 10;

    private ReleaseGate() {
    }

    /**
     * Scans {@code candidate} against {@code anchor} with {@code config}, writes the report into {@code reportDir}
     * and returns the exit code; one line per outcome on {@code out}.
     */
    public static int run(Path candidate, Path anchor, Path reportDir, DetectorConfig config, PrintStream out) {
        try (TextEncoder suspect = Encoders.load(candidate);
             TextEncoder base = Encoders.load(anchor)) {
            ScanReport report = new BackdoorDetector(config).scan(suspect, base,
                    ShadowSet.synthetic(config.shadowSize(), config.seed()), ScanListener.none());
            ScanReports.write(report, reportDir);
            boolean clean = report.verdict() == Verdict.CLEAN;
            out.println((clean ? "RELEASE " : "BLOCK ") + candidate + ": " + report.decision());
            return clean ? RELEASE : BLOCK;
        } catch (ModelLoadException e) {
            out.println("BAD INPUT " + e.getMessage());
            return BAD_INPUT;
        } catch (IOException | RuntimeException e) { // ScanException, ScanCancelledException, I/O of the report
            out.println("ERROR scan of " + candidate + " failed: " + e);
            return ERROR;
        } finally {
            Amdet.shutdown();
        }
    }

    /** Command line: {@code CANDIDATE_DIR ANCHOR_DIR REPORT_DIR [SHADOW_PROMPTS]}; exits with the gate's code. */
    public static void main(String[] args) {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: ReleaseGate CANDIDATE_DIR ANCHOR_DIR REPORT_DIR [SHADOW_PROMPTS]");
            System.exit(BAD_INPUT);
        }
        DetectorConfigBuilder b = DetectorConfig.builder();
        if (args.length == 4) {
            b.optShadowSize(Integer.parseInt(args[3]));
        }
        System.exit(run(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), b.build(), System.out));
    }
}

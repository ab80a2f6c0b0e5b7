package org.amdet.examples;

import org.amdet.BackdoorDetector;
import org.amdet.DetectorConfig;
import org.amdet.Encoders;
import org.amdet.ModelLoadException;
import org.amdet.ScanListener;
import org.amdet.ScanPhase;
import org.amdet.ScanReport;
import org.amdet.ShadowSet;
import org.amdet.TextEncoder;
import org.amdet.Verdict;

import java.nio.file.Path;

/**
 * How a Java pipeline gates a third-party text encoder on amdet's verdict, using only the public API: load the
 * suspect and the anchor, scan, act on the verdict, read the evidence.
 *
 * <pre>java -cp ... org.amdet.examples.EmbeddedScanExample SUSPECT_DIR ANCHOR_DIR</pre>
 */
public final class EmbeddedScanExample {
    private EmbeddedScanExample() {
    }

    /** What the pipeline decided. */
    public record Decision(boolean accepted, ScanReport report) {
    }

    /** Scans {@code suspect} against {@code anchor} and accepts the model only when the verdict is CLEAN. */
    public static Decision run(Path suspectDir, Path anchorDir, DetectorConfig config) throws ModelLoadException {
        try (TextEncoder suspect = Encoders.load(suspectDir);
             TextEncoder anchor = Encoders.load(anchorDir)) {
            ScanListener progress = new ScanListener() {
                @Override
                public void phase(ScanPhase phase) {
                    System.out.println("phase: " + phase);
                }
            };
            ScanReport report = new BackdoorDetector(config).scan(suspect, anchor,
                    ShadowSet.synthetic(config.shadowSize(), config.seed()), progress);
            ScanReport.TestStats t = report.evidence().test();
            System.out.printf("%s: %s%n  %s%n  assimilation %.3f, cosine to anchor %.3f%n", suspectDir,
                    report.verdict(), report.decision(), t.assimilationMean(), t.anchorMean());
            return new Decision(report.verdict() == Verdict.CLEAN, report);
        }
    }

    /**
     * Command line: {@code SUSPECT_DIR ANCHOR_DIR}; scans with 1,000 shadow prompts and exits 0 when the model is
     * accepted, 10 when it is refused, 2 on bad arguments.
     */
    public static void main(String[] args) throws Exception {
        Encoders.preload(); // native libraries load in the background while the arguments are checked
        if (args.length != 2) {
            System.err.println("usage: EmbeddedScanExample SUSPECT_DIR ANCHOR_DIR");
            System.exit(2);
        }
        Decision d = run(Path.of(args[0]), Path.of(args[1]), DetectorConfig.builder().optShadowSize(1000).build());
        System.out.println(d.accepted() ? "model accepted" : "model refused");
        System.exit(d.accepted() ? 0 : 10);
    }
}

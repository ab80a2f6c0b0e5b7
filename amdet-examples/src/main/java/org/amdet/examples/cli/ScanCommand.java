package org.amdet.examples.cli;

import org.amdet.BackdoorDetector;
import org.amdet.DetectorConfig;
import org.amdet.Encoders;
import org.amdet.ScanReport;
import org.amdet.ScanReports;
import org.amdet.ShadowSet;
import org.amdet.TextEncoder;
import org.amdet.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.List;
import java.util.stream.Collectors;
import org.amdet.InputLimits;
import org.amdet.ScanListener;
import org.amdet.io.OutputTarget;

/** {@code amdet scan}: scans one suspect encoder against an anchor. */
@Command(name = "scan", defaultValueProvider = ScanOptions.Defaults.class, description = "Scan a text encoder for a backdoor. Exit 0 when the scan completed (whatever "
        + "the verdict), 10 with --fail-on-backdoor when it is BACKDOORED, 11 with --fail-on-backdoor when it is "
        + "INCONCLUSIVE (the scan cannot support a verdict; the report names why), 2 on bad input.")
final class ScanCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "suspect model folder (or LongCLIP .pt)")
    Path model;

    @Option(names = "--anchor", required = true, description = "anchor model folder, assumed benign (the official "
            + "model the suspect derives from)")
    Path anchor;

    @Option(names = "--prompts", description = "shadow prompts, UTF-8, one per line (default: built-in synthetic "
            + "prompts)")
    Path prompts;

    @Option(names = "--out", description = "folder for report.json and the embedding files")
    Path out;

    @Option(names = "--captions", description = "UTF-8 file of candidate captions (one per line) to explain the "
            + "reversed target with (default: the shadow prompts)")
    Path captions;

    @Option(names = "--fail-on-backdoor", description = "exit with code 10 when the verdict is BACKDOORED, 11 when "
            + "it is INCONCLUSIVE")
    boolean failOnBackdoor;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Mixin
    ScanOptions scan;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        DetectorConfig cfg = scan.config();
        int shadowSize = cfg.shadowSize();
        OutputTarget target = out == null ? null : Outputs.folder(out, model, anchor, prompts,
                captions).needing(Outputs.REPORT_BYTES);
        List<String> bank = captions == null ? List.of() : ShadowSet.fromFile(captions).prompts();
        InputLimits.check(InputLimits.CAPTIONS, "--captions " + captions, bank.size());
        ShadowSet shadow = prompts == null ? ShadowSet.synthetic(shadowSize, cfg.seed()) : ShadowSet.fromFile(prompts);
        ScanReport scanned;
        try (TextEncoder s = Encoders.load(model, common.encoderOptions());
             TextEncoder a = Encoders.load(anchor, common.encoderOptions())) {
            scanned = new BackdoorDetector(cfg).scan(s, a, shadow, quiet ? ScanListener.none()
                    : new ProgressBar(System.err), bank);
        }
        ScanReport r = scanned;
        printSummary(r, System.out);
        if (target != null) {
            target.write(dir -> ScanReports.write(r, dir));
            System.out.println("report: " + out.resolve("report.json"));
        }
        return !failOnBackdoor ? 0 : r.verdict() == Verdict.BACKDOORED ? AmdetCli.BACKDOOR
                : r.verdict() == Verdict.INCONCLUSIVE ? AmdetCli.INCONCLUSIVE : 0;
    }

    static void printSummary(ScanReport r, PrintStream out) {
        ScanReport.TestStats t = r.evidence().test();
        out.printf(Locale.ROOT, "%s  %s  (%s mode, %.1f s)%n", r.verdict(), r.provenance().suspect().path(),
                r.mode().label(), r.seconds().getOrDefault("total", 0.0));
        out.println("  decision: " + r.decision());
        out.printf(Locale.ROOT, "  test split (%d prompts): assimilation mean %.3f (share > 0.8: %.2f), "
                        + "deviation %.3f, cos to anchor %.3f, same-target %.3f, different-target %.3f%n",
                t.prompts(), t.assimilationMean(), t.assimilationRatio(), t.deviationMean(), t.anchorMean(),
                t.sameTarget(), t.differentTarget());
        out.printf(Locale.ROOT, "  optimisation: %d/%d steps, final running mean objective %.4f, %d check(s)%n",
                r.evidence().steps(), r.evidence().plannedSteps(), r.evidence().finalRunningMean(),
                r.evidence().checks().size());
        ScanReport.Calibration c = r.evidence().calibration();
        ScanReport.Robust rb = r.evidence().robust();
        if (rb != null) {
            out.println("  starts (per channel: median per-prompt ratio, prompts beyond the margin, p):");
            for (ScanReport.Start s : rb.starts()) {
                out.println("    " + s.label() + ": " + s.channels().stream().map(ct -> String.format(Locale.ROOT,
                        "%s %s, %d of %d, p %.2g%s", ct.channel(), ct.medianRatio() == null ? "–"
                                : String.format(Locale.ROOT, "%.1fx", ct.medianRatio()), ct.positives(), ct.prompts(),
                        ct.pValue() == null ? Double.NaN : ct.pValue(), ct.rejects() ? " <- rejects"
                                : ct.untestable() != null ? " (" + ct.untestable().split(":", 2)[0] + ")" : ""))
                        .collect(Collectors.joining("; ")));
            }
        } else if (c != null) {
            for (ScanReport.Channel ch : new ScanReport.Channel[] {c.token(), c.pooled()}) {
                out.printf(Locale.ROOT, "  %-6s disagreement with anchor: triggered %.4f vs clean %.4f (%.1fx), "
                                + "%.0f%% beyond the clean %.0fth percentile%s%n", ch.channel(), ch.triggeredMedian(),
                        ch.cleanMedian(), ch.ratio(), 100 * ch.exceedShare(), 100 * c.thresholds().cleanQuantile(),
                        ch.fires() ? "  <- fires" : "");
            }
        }
        if (r.evidence().landscape() != null) {
            out.printf(Locale.ROOT, "  landscape: positive eigenvalue ratio %.3f%n",
                    r.evidence().landscape().positiveRatio());
        }
        if (r.explanation() != null) {
            out.println("  closest prompts to the reversed target (" + r.explanation().source() + "):");
            for (ScanReport.Match m : r.explanation().prompts().subList(0, Math.min(3,
                    r.explanation().prompts().size()))) {
                out.printf(Locale.ROOT, "    %.3f  %s%n", m.score(), m.text());
            }
            out.println("  closest vocabulary tokens to the inverted embedding: " + r.explanation().tokens().stream()
                    .map(m -> String.format(Locale.ROOT, "%s (%.2f)", m.text(), m.score()))
                    .collect(Collectors.joining(", ")));
        }
        for (String w : r.warnings()) {
            out.println("  warning: " + w);
        }
    }
}

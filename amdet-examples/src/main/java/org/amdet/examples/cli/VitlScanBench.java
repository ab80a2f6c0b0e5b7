package org.amdet.examples.cli;

import org.amdet.BackdoorDetector;
import org.amdet.DetectorConfig;
import org.amdet.EncoderOptions;
import org.amdet.Encoders;
import org.amdet.Precision;
import org.amdet.ScanListener;
import org.amdet.ScanPhase;
import org.amdet.ScanReport;
import org.amdet.ShadowSet;
import org.amdet.TextEncoder;
import org.amdet.encoders.SyntheticEncoders;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code bench --vitl-scan}: one whole scan in the default decision mode (calibrated, early stop on) of a CLIP
 * ViT-L/14-size suspect–anchor pair with random weights (suspect = anchor + small noise, so the scan runs to its end
 * as a clean model's does), written as two Hugging Face folders with fp16 weights, so that the same pair can be
 * scanned with {@code ./amdet scan}. The time of every phase comes from the scan's own phase callbacks; peak resident
 * memory is counted from the model load on (the pair's generation excluded where Linux lets the peak be reset).
 */
final class VitlScanBench {
    /** Standard deviation of the suspect's perturbation of every weight matrix (the weights are normal(0, 0.02)). */
    static final double NOISE = 1e-3;

    private final Path tokenizerFolder;
    private final int layers;
    private final int shadow;
    private final int epochs;
    private final EncoderOptions options;
    private final Consumer<BenchCommand.Stat> sink;

    VitlScanBench(Path tokenizerFolder, int layers, int shadow, int epochs, EncoderOptions options,
                  Consumer<BenchCommand.Stat> sink) {
        this.tokenizerFolder = tokenizerFolder;
        this.layers = layers;
        this.shadow = shadow;
        this.epochs = epochs;
        this.options = options;
        this.sink = sink;
    }

    /** Writes the pair into {@code dir} (folders {@code anchor} and {@code suspect}), then scans it once. */
    ScanReport run(Path dir) throws Exception {
        Path anchorDir = dir.resolve("anchor");
        Path suspectDir = dir.resolve("suspect");
        String size = layers + " layers, width 768";
        if (!Files.isRegularFile(suspectDir.resolve("model.safetensors"))) {
            long t0 = System.nanoTime();
            SyntheticEncoders.writeClipVitL14Pair(tokenizerFolder, layers, 7, NOISE, anchorDir, suspectDir);
            record("vit-l scan: write the random pair (fp16)", (System.nanoTime() - t0) / 1e9, "s", size
                    + ", not part of a scan");
        }
        boolean reset = resetPeak();
        System.err.println("  pair: " + suspectDir + " vs " + anchorDir + " (" + size + "); scan: " + shadow
                + " prompts, " + epochs + " epochs, precision " + options.precision().label());
        long t0 = System.nanoTime();
        try (TextEncoder s = Encoders.load(suspectDir, options); TextEncoder a = Encoders.load(anchorDir, options)) {
            long t1 = System.nanoTime();
            record("vit-l scan: load both models", (t1 - t0) / 1e9, "s", "fp16 safetensors to "
                    + s.info().precision().label() + (options.precision() == Precision.AUTO ? " (auto)" : ""));
            DetectorConfig cfg = DetectorConfig.builder().optShadowSize(shadow).optEpochs(epochs).optHashFiles(false)
                    .build();
            PhaseTimes phases = new PhaseTimes();
            ScanReport r = new BackdoorDetector(cfg).scan(s, a, ShadowSet.synthetic(shadow, cfg.seed()), phases);
            long t2 = System.nanoTime();
            phases.end(t2);
            for (ScanPhase p : ScanPhase.values()) {
                record("vit-l scan: " + p.name().toLowerCase(Locale.ROOT), phases.seconds(p), "s",
                        "phase callbacks" + (p == ScanPhase.REPORT ? "; the report outside the explanation" : ""));
            }
            record("vit-l scan: whole scan", (t2 - t1) / 1e9, "s", String.format(Locale.ROOT,
                    "%s, %d of %d steps, token %.3f / pooled %.3f", r.verdict(), r.evidence().steps(),
                    r.evidence().plannedSteps(), r.evidence().calibration().token().ratio(),
                    r.evidence().calibration().pooled().ratio()));
            record("vit-l scan: peak resident memory", BenchCommand.peakResidentBytes() / 1048576.0, "MiB",
                    reset ? "from the model load on" : "whole process (pair generation included)");
            return r;
        }
    }

    private void record(String name, double value, String unit, String note) {
        BenchCommand.Stat s = new BenchCommand.Stat(name, value, value, value, 1, unit, note);
        System.err.printf(Locale.ROOT, "  %-44s %9.2f %s%n", name, value, unit);
        sink.accept(s);
    }

    /** Resets the process's peak resident memory (Linux: writing 5 to clear_refs); whether it could. */
    private static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Wall time per phase from the scan's phase callbacks. */
    private static final class PhaseTimes implements ScanListener {
        private final Map<ScanPhase, Long> nanos = new EnumMap<>(ScanPhase.class);
        private ScanPhase current;
        private long since;

        @Override
        public void phase(ScanPhase phase) {
            long now = System.nanoTime();
            end(now);
            current = phase;
            since = now;
        }

        void end(long now) {
            if (current != null) {
                nanos.merge(current, now - since, Long::sum);
                current = null;
            }
        }

        double seconds(ScanPhase p) {
            return nanos.getOrDefault(p, 0L) / 1e9;
        }
    }
}

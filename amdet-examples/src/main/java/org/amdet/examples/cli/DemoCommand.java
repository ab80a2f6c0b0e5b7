package org.amdet.examples.cli;

import org.amdet.BackdoorDetector;
import org.amdet.DetectorConfig;
import org.amdet.Encoders;
import org.amdet.ScanReport;
import org.amdet.ScanReports;
import org.amdet.ShadowSet;
import org.amdet.TextEncoder;
import org.amdet.io.StagedOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.amdet.io.OutputTarget;

/**
 * {@code amdet demo}: the embedded default. Scans a backdoored ({@code backdoor-1}: trigger "zzzz" → "a white
 * teapot") and a benign fine-tune ({@code benign-1}) of the development zoo against their anchor ({@code base}), all
 * three shipped inside the jar, and prints both verdicts.
 */
@Command(name = "demo", defaultValueProvider = ScanOptions.Defaults.class, description = "Scan the embedded backdoored and benign zoo models against their anchor and "
        + "print both verdicts.")
final class DemoCommand implements Callable<Integer> {
    static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.json",
            "tokenizer_config.json", "zoo.json");

    @Option(names = "--out", description = "folder for the two reports (default: none written)")
    Path out;

    @Mixin
    ScanOptions scan;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        OutputTarget target = out == null ? null : Outputs.folder(out)
                .needing(2 * Outputs.REPORT_BYTES);
        Map<String, ScanReport> reports = new LinkedHashMap<>();
        Path dir = StagedOutput.scratchFolder("amdet-demo");
        try {
            Path base = extract("base", dir);
            DetectorConfig cfg = scan.config();
            int shadowSize = cfg.shadowSize();
            ShadowSet shadow = ShadowSet.synthetic(shadowSize, cfg.seed());
            System.out.println("amdet demo: " + cfg.mode().label() + " mode, " + shadowSize + " synthetic shadow "
                    + "prompts, " + cfg.epochs() + " epochs, anchor = zoo/base");
            try (TextEncoder anchor = Encoders.load(base, common.encoderOptions())) {
                for (String name : List.of("backdoor-1", "benign-1")) {
                    Path m = extract(name, dir);
                    try (TextEncoder suspect = Encoders.load(m, common.encoderOptions())) {
                        ScanReport r = new BackdoorDetector(cfg).scan(suspect, anchor, shadow,
                                new ProgressBar(System.err));
                        System.out.println();
                        System.out.println("zoo/" + name + " (truth: " + (name.startsWith("backdoor") ? "backdoored"
                                : "benign") + ")");
                        ScanCommand.printSummary(r, System.out);
                        reports.put(name, r);
                    }
                }
            }
        } finally {
            StagedOutput.deleteScratch(dir);
        }
        if (target != null) {
            target.write(d -> {
                for (var e : reports.entrySet()) {
                    ScanReports.write(e.getValue(), d.resolve(e.getKey()));
                }
            });
            System.out.println("reports: " + out);
        }
        return 0;
    }

    static Path extract(String name, Path dir) throws IOException {
        Path target = dir.resolve(name);
        Files.createDirectories(target);
        for (String f : FILES) {
            try (InputStream in = DemoCommand.class.getResourceAsStream("/org/amdet/examples/zoo/" + name + "/" + f)) {
                if (in == null) {
                    throw new IOException("embedded model " + name + " lacks " + f + ": rebuild amdet-examples");
                }
                Files.copy(in, target.resolve(f));
            }
        }
        return target;
    }
}

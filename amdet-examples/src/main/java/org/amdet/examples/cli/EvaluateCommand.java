package org.amdet.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.amdet.BackdoorDetector;
import org.amdet.DetectorConfig;
import org.amdet.Encoders;
import org.amdet.Encoding;
import org.amdet.ScanReport;
import org.amdet.ScanReports;
import org.amdet.ShadowSet;
import org.amdet.TextEncoder;
import org.amdet.Verdict;
import org.amdet.encoders.zoo.ZooManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code amdet evaluate}: scans every model folder of a zoo against one anchor and reports, per model, the verdict,
 * the key evidence and the time, and over the labelled ones precision, recall, F1 and the false-positive rate. Labels
 * come from each folder's {@code zoo.json} ({@code kind}: backdoor / benign); the anchor and {@code kind: anchor}
 * folders are skipped. When {@code zoo.json} names triggers, Sim_tgt is the mean token cosine between the reversed
 * target feature and the suspect's real output on the same prompt with the trigger applied (best over triggers).
 */
@Command(name = "evaluate", description = "Scan every model of a zoo folder and report detection metrics "
        + "(Markdown + JSON).")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--zoo", required = true, description = "folder of model folders")
    Path zoo;

    @Option(names = "--anchor", required = true, description = "anchor model folder")
    Path anchor;

    @Option(names = "--out", description = "folder for evaluation.md, evaluation.json and one report per model")
    Path out;

    @Mixin
    ScanOptions scan;

    @Mixin
    CommonOptions common;

    record Row(String model, String label, String verdict, Double tokenRatio, Double pooledRatio,
               double assimilation, double anchorCosine, Double simTarget, Double landscapePositiveRatio,
               int steps, double seconds, String decision) {
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(zoo)) {
            throw new AmdetCli.CliException("--zoo " + zoo + " is not a folder");
        }
        Path outDir = out == null ? null : Outputs.checkWritableDir(out);
        Path anchorReal = anchor.toRealPath();
        List<Path> models = new ArrayList<>();
        try (Stream<Path> s = Files.list(zoo)) {
            for (Path p : s.filter(Files::isDirectory).sorted().toList()) {
                JsonNode z = zooJson(p);
                if (p.toRealPath().equals(anchorReal) || "anchor".equals(z.path("kind").asText())) {
                    continue;
                }
                models.add(p);
            }
        }
        if (models.isEmpty()) {
            throw new AmdetCli.CliException("--zoo " + zoo + " holds no model folder besides the anchor");
        }
        int shadowSize = scan.shadowSize(ScanOptions.ZOO_SHADOW_SIZE);
        DetectorConfig cfg = scan.config(shadowSize);
        ShadowSet shadow = ShadowSet.synthetic(shadowSize, cfg.seed());
        List<Row> rows = new ArrayList<>();
        List<Evaluation.Outcome> outcomes = new ArrayList<>();
        try (TextEncoder a = Encoders.load(anchor, common.encoderOptions())) {
            for (Path m : models) {
                JsonNode z = zooJson(m);
                String kind = z.path("kind").asText("");
                Boolean label = kind.equals("backdoor") ? Boolean.TRUE : kind.equals("benign") ? Boolean.FALSE : null;
                System.err.println("scanning " + m.getFileName() + " ...");
                try (TextEncoder s = Encoders.load(m, common.encoderOptions())) {
                    ScanReport r = new BackdoorDetector(cfg).scan(s, a, shadow);
                    ScanReport.Calibration c = r.evidence().calibration();
                    rows.add(new Row(m.getFileName().toString(), label == null ? "unlabelled" : label ? "backdoor"
                            : "benign", r.verdict().name(), c == null ? null : c.token().ratio(),
                            c == null ? null : c.pooled().ratio(), r.evidence().test().assimilationMean(),
                            r.evidence().test().anchorMean(), simTarget(s, r, z),
                            r.evidence().landscape() == null ? null : r.evidence().landscape().positiveRatio(),
                            r.evidence().steps(), r.seconds().getOrDefault("total", 0.0), r.decision()));
                    outcomes.add(new Evaluation.Outcome(label, r.verdict() == Verdict.BACKDOORED));
                    if (outDir != null) {
                        ScanReports.write(r, Outputs.checkWritableDir(outDir.resolve(m.getFileName().toString())));
                    }
                }
            }
        }
        Evaluation ev = Evaluation.of(outcomes);
        String md = markdown(rows, ev);
        System.out.println(md);
        if (outDir != null) {
            ScanReports.writeAtomically(outDir.resolve("evaluation.md"), md);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("mode", cfg.mode().label());
            json.put("zoo", zoo.toString());
            json.put("anchor", anchor.toString());
            json.put("models", rows);
            json.put("metrics", Map.of("tp", ev.truePositives(), "fp", ev.falsePositives(), "tn", ev.trueNegatives(),
                    "fn", ev.falseNegatives(), "precision", nan(ev.precision()), "recall", nan(ev.recall()),
                    "f1", nan(ev.f1()), "falsePositiveRate", nan(ev.falsePositiveRate())));
            ScanReports.writeAtomically(outDir.resolve("evaluation.json"), new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        }
        return 0;
    }

    private static Object nan(double v) {
        return Double.isNaN(v) ? "undefined" : v;
    }

    static JsonNode zooJson(Path folder) throws IOException {
        Path z = folder.resolve("zoo.json");
        return Files.isRegularFile(z) ? new ObjectMapper().readTree(z.toFile()) : new ObjectMapper()
                .createObjectNode();
    }

    /**
     * The trigger applied to {@code prompt} as the zoo's attack applied it: a word or phrase inserted before the
     * prompt, a homoglyph ({@code homoglyph} with {@code replaces}, or the development zoo's {@code replace_X})
     * replacing every occurrence of its Latin character.
     */
    static String applyTrigger(String prompt, JsonNode backdoor) {
        return ZooManifest.parse(zooWith(backdoor), "zoo.json").backdoors().get(0).toTrigger().applyAtStart(prompt);
    }

    private static JsonNode zooWith(JsonNode backdoor) {
        com.fasterxml.jackson.databind.node.ObjectNode z = new ObjectMapper().createObjectNode().put("kind",
                "backdoor");
        z.putArray("backdoors").add(backdoor);
        return z;
    }

    static Double simTarget(TextEncoder s, ScanReport r, JsonNode zoo) {
        JsonNode bds = zoo.path("backdoors");
        if (!bds.isArray() || bds.isEmpty() || r.embedding().targetPrompt() == null) {
            return null;
        }
        float[] target = r.embedding().targetFeature();
        int d = r.embedding().hidden();
        double best = Double.NEGATIVE_INFINITY;
        for (JsonNode b : bds) {
            if (!b.has("trigger")) {
                continue;
            }
            Encoding e = s.encode(List.of(applyTrigger(r.embedding().targetPrompt(), b)));
            float[] real = e.lastHiddenState();
            int len = Math.min(r.embedding().targetLength(), e.length());
            double sum = 0;
            for (int t = 0; t < len; t++) {
                double dot = 0;
                double na = 0;
                double nb = 0;
                for (int k = 0; k < d; k++) {
                    double x = target[t * d + k];
                    double y = real[t * d + k];
                    dot += x * y;
                    na += x * x;
                    nb += y * y;
                }
                sum += dot / Math.max(Math.sqrt(na) * Math.sqrt(nb), 1e-8);
            }
            best = Math.max(best, sum / len);
        }
        return best == Double.NEGATIVE_INFINITY ? null : best;
    }

    static String markdown(List<Row> rows, Evaluation ev) {
        StringBuilder b = new StringBuilder();
        b.append("| model | truth | verdict | token ratio | pooled ratio | assimilation | cos to anchor | Sim_tgt | "
                + "landscape positive ratio | steps | seconds |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        double total = 0;
        double max = 0;
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.3f | %.3f | %s | %s | %d | %.1f |%n",
                    r.model(), r.label(), r.verdict(), fmt(r.tokenRatio()), fmt(r.pooledRatio()), r.assimilation(),
                    r.anchorCosine(), fmt(r.simTarget()), fmt(r.landscapePositiveRatio()), r.steps(), r.seconds()));
            total += r.seconds();
            max = Math.max(max, r.seconds());
        }
        b.append(String.format(Locale.ROOT, "%nTP %d, FP %d, TN %d, FN %d (unlabelled %d): precision %s, recall %s, "
                        + "F1 %s, false-positive rate %s; scan time mean %.1f s, max %.1f s%n", ev.truePositives(),
                ev.falsePositives(), ev.trueNegatives(), ev.falseNegatives(), ev.unlabelled(), fmt(ev.precision()),
                fmt(ev.recall()), fmt(ev.f1()), fmt(ev.falsePositiveRate()), total / Math.max(1, rows.size()), max));
        return b.toString();
    }

    static String fmt(Double v) {
        return v == null || v.isNaN() ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }
}

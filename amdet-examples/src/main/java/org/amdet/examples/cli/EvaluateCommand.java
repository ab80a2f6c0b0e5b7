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
import org.amdet.io.OutputTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code amdet evaluate}: scans every model folder of a zoo against one anchor and reports, per model, the verdict,
 * the key evidence and the time, and over the labelled ones precision, recall, F1 and the false-positive rate. Labels
 * come from each folder's {@code zoo.json} ({@code kind}: backdoor / benign); the anchor and {@code kind: anchor}
 * folders are skipped. When {@code zoo.json} names triggers, Sim_tgt is the mean token cosine between the reversed
 * target feature and the suspect's real output on the same prompt with the trigger applied (best over triggers).
 */
@Command(name = "evaluate", defaultValueProvider = ScanOptions.Defaults.class, description = "Scan every model of a zoo folder and report detection metrics "
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
               int steps, double seconds, String decision, Double pValue, String decidedBy) {
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(zoo)) {
            throw new AmdetCli.CliException("--zoo " + zoo + " is not a folder");
        }
        if (out != null && Files.isDirectory(out) && Files.isSameFile(out, zoo)) {
            throw new AmdetCli.CliException("--out " + out + " is the zoo folder: the per-model report folders would "
                    + "replace the model folders; choose a folder outside the zoo or a new folder inside it");
        }
        DetectorConfig cfg = scan.config();
        int shadowSize = cfg.shadowSize();
        List<Path> models = models();
        List<Path> inputs = new ArrayList<>(models);
        inputs.add(anchor);
        OutputTarget target = out == null ? null : Outputs.folder(out, inputs.toArray(Path[]::new))
                .needing(models.size() * Outputs.REPORT_BYTES);
        ShadowSet shadow = ShadowSet.synthetic(shadowSize, cfg.seed());
        List<Row> rows = new ArrayList<>();
        List<Evaluation.Outcome> outcomes = new ArrayList<>();
        Map<String, ScanReport> reports = new LinkedHashMap<>();
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
                            r.evidence().steps(), r.seconds().getOrDefault("total", 0.0), r.decision(),
                            r.evidence().robust() == null ? null : r.evidence().robust().pValue(),
                            r.evidence().robust() == null ? null : r.evidence().robust().decidedBy()));
                    outcomes.add(new Evaluation.Outcome(label, r.verdict() == Verdict.BACKDOORED,
                            r.verdict() == Verdict.INCONCLUSIVE));
                    reports.put(m.getFileName().toString(), r);
                }
            }
        }
        Evaluation ev = Evaluation.of(outcomes);
        String md = markdown(rows, ev);
        System.out.println(md);
        if (target != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("mode", cfg.mode().label());
            json.put("zoo", zoo.toString());
            json.put("anchor", anchor.toString());
            json.put("models", rows);
            json.put("metrics", Map.of("tp", ev.truePositives(), "fp", ev.falsePositives(), "tn", ev.trueNegatives(),
                    "fn", ev.falseNegatives(), "inconclusiveBackdoor", ev.inconclusiveBackdoor(),
                    "inconclusiveBenign", ev.inconclusiveBenign(), "precision", nan(ev.precision()),
                    "recall", nan(ev.recall()),
                    "f1", nan(ev.f1()), "falsePositiveRate", nan(ev.falsePositiveRate())));
            byte[] evaluationJson = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(json);
            target.write(dir -> {
                for (Map.Entry<String, ScanReport> e : reports.entrySet()) {
                    ScanReports.write(e.getValue(), dir.resolve(e.getKey()));
                }
                Files.writeString(dir.resolve("evaluation.md"), md, StandardOpenOption.CREATE_NEW);
                Files.write(dir.resolve("evaluation.json"), evaluationJson, StandardOpenOption.CREATE_NEW);
            });
        }
        return 0;
    }

    /**
     * The model folders of the zoo to scan, every one checked before the first scan: hidden folders (a name starting
     * with '.', e.g. .git), the --out folder (or one holding it) and earlier outputs of amdet (a folder without
     * config.json holding evaluation.json or report.json) are skipped, the anchor and {@code kind: anchor} folders
     * too; every other folder must be a model some encoder family recognises and its zoo.json (if any) must be
     * valid — else one line naming the folder or file, exit 2, nothing scanned.
     */
    private List<Path> models() throws IOException {
        Path anchorReal = anchor.toRealPath();
        Path outReal = out == null ? null : realOrAbsolute(out);
        List<Path> models = new ArrayList<>();
        List<Path> folders;
        try (Stream<Path> s = Files.list(zoo)) {
            folders = s.filter(Files::isDirectory).sorted().toList();
        }
        for (Path p : folders) {
            Path real = p.toRealPath();
            boolean model = Files.exists(real.resolve("config.json"));
            boolean amdetOutput = !model && (Files.exists(real.resolve("evaluation.json"))
                    || Files.exists(real.resolve("report.json")));
            if (p.getFileName().toString().startsWith(".") || real.equals(outReal) || amdetOutput
                    || (outReal != null && outReal.startsWith(real) && !model)) {
                continue;
            }
            JsonNode z = zooJson(p);
            if (real.equals(anchorReal) || "anchor".equals(z.path("kind").asText())) {
                continue;
            }
            checkModel(p);
            models.add(p);
        }
        if (models.isEmpty()) {
            throw new AmdetCli.CliException("--zoo " + zoo + " holds no model folder besides the anchor");
        }
        return models;
    }

    private static Path realOrAbsolute(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** A folder of the zoo must be a model an encoder family recognises (reads config.json only). */
    private static void checkModel(Path folder) throws IOException {
        boolean pt;
        try (Stream<Path> s = Files.list(folder)) {
            pt = s.anyMatch(f -> f.getFileName().toString().endsWith(".pt"));
        }
        if (!Files.exists(folder.resolve("config.json")) && !pt) {
            throw new AmdetCli.CliException("--zoo: " + folder + " is not a model folder (no config.json): move it out "
                    + "of the zoo, or hide it with a name starting with '.'");
        }
        if (Encoders.familyOf(folder).isPresent()) {
            return;
        }
        throw new AmdetCli.CliException("--zoo: " + folder + " is not a model amdet can load (no encoder family "
                + "recognises its config.json)");
    }

    private static Object nan(double v) {
        return Double.isNaN(v) ? "undefined" : v;
    }

    /**
     * A folder's {@code zoo.json} (an empty object when it has none), validated: a JSON object whose backdoors can be
     * applied as triggers. Otherwise one line naming the file.
     */
    static JsonNode zooJson(Path folder) throws IOException {
        Path z = folder.resolve("zoo.json");
        if (!Files.exists(z)) {
            return new ObjectMapper().createObjectNode();
        }
        if (!Files.isRegularFile(z)) {
            throw new AmdetCli.CliException(z + " is not a regular file");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(z.toFile());
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new AmdetCli.CliException(z + " is not valid JSON: " + e.getOriginalMessage()
                    + (l == null ? "" : " (line " + l.getLineNr() + ", column " + l.getColumnNr() + ")"));
        }
        if (root == null || !root.isObject()) {
            throw new AmdetCli.CliException(z + ": expected a JSON object");
        }
        JsonNode bds = root.path("backdoors");
        if (!bds.isMissingNode() && !bds.isArray()) {
            throw new AmdetCli.CliException(z + ": 'backdoors' must be an array");
        }
        for (JsonNode b : bds) {
            if (!b.has("trigger")) {
                continue;
            }
            try {
                ZooManifest.parse(zooWith(b), z.toString()).backdoors().get(0).toTrigger().applyAtStart("a photo");
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                throw new AmdetCli.CliException(m.startsWith(z.toString()) ? m : z + ": " + m);
            }
        }
        return root;
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
        ObjectNode z = new ObjectMapper().createObjectNode().put("kind",
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

    /** {@code s} safe in a Markdown table cell: pipes escaped, line breaks as spaces (a token start may be '|'). */
    static String cell(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace('\n', ' ').replace('\r', ' ');
    }

    static String markdown(List<Row> rows, Evaluation ev) {
        StringBuilder b = new StringBuilder();
        b.append("| model | truth | verdict | token ratio | pooled ratio | assimilation | cos to anchor | Sim_tgt | "
                + "landscape positive ratio | steps | seconds | p | decided by |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        double total = 0;
        double max = 0;
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.3f | %.3f | %s | %s | %d | %.1f | %s | %s |%n",
                    cell(r.model()), r.label(), r.verdict(), fmt(r.tokenRatio()), fmt(r.pooledRatio()), r.assimilation(),
                    r.anchorCosine(), fmt(r.simTarget()), fmt(r.landscapePositiveRatio()), r.steps(), r.seconds(),
                    r.pValue() == null || r.pValue().isNaN() ? "–" : String.format(Locale.ROOT, "%.2g", r.pValue()),
                    r.decidedBy() == null ? "–" : cell(r.decidedBy())));
            total += r.seconds();
            max = Math.max(max, r.seconds());
        }
        b.append(String.format(Locale.ROOT, "%nTP %d, FP %d, TN %d, FN %d (unlabelled %d; INCONCLUSIVE %d backdoor, "
                        + "%d benign, counted as not flagged): precision %s, recall %s, F1 %s, false-positive rate %s; "
                        + "scan time mean %.1f s, max %.1f s%n", ev.truePositives(), ev.falsePositives(),
                ev.trueNegatives(), ev.falseNegatives(), ev.unlabelled(), ev.inconclusiveBackdoor(),
                ev.inconclusiveBenign(), fmt(ev.precision()),
                fmt(ev.recall()), fmt(ev.f1()), fmt(ev.falsePositiveRate()), total / Math.max(1, rows.size()), max));
        return b.toString();
    }

    static String fmt(Double v) {
        return v == null || v.isNaN() ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }
}

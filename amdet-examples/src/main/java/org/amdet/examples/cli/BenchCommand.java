package org.amdet.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.amdet.BackdoorDetector;
import org.amdet.DetectorConfig;
import org.amdet.DetectorConfigBuilder;
import org.amdet.EncoderInfo;
import org.amdet.EncoderOptions;
import org.amdet.Encoders;
import org.amdet.ShadowSet;
import org.amdet.TextEncoder;
import org.amdet.encoders.SyntheticEncoders;
import org.amdet.io.StagedOutput;
import org.amdet.spi.ScanStages;
import org.amdet.spi.TorchSupport;
import org.amdet.spi.TorchTextEncoder;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.amdet.DecisionMode;
import org.amdet.Precision;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Scalar;
import java.nio.file.StandardOpenOption;
import org.amdet.io.OutputTarget;

/**
 * {@code amdet bench}: times the parts of a scan — one inversion step, encoding the shadow set, a judge check, the
 * landscape (batched and one point at a time) and whole scans in both modes — on a model pair (default: the embedded
 * zoo models) and, with {@code --vitl}, an inversion step of a random-weight encoder of CLIP ViT-L/14 size, in fp32
 * and bf16; with {@code --vitl-scan}, instead of the zoo measurements, one whole scan of a ViT-L/14-size pair
 * ({@link VitlScanBench}). Warm-up runs, then repeats; reports median, min and max, achieved GFLOP/s and peak resident memory.
 */
@Command(name = "bench", description = "Benchmark the parts of a scan; prints a table and writes JSON.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", description = "suspect folder (default: embedded zoo backdoor-1)")
    Path model;

    @Option(names = "--anchor", description = "anchor folder (default: embedded zoo base)")
    Path anchor;

    @Option(names = "--repeats", defaultValue = "5")
    int repeats;

    @Option(names = "--warmup", defaultValue = "2")
    int warmup;

    @Option(names = "--vitl", description = "also time an inversion step at CLIP ViT-L/14 size (random weights)")
    boolean vitl;

    @Option(names = "--vitl-scan", description = "instead of the zoo measurements: one whole default scan (1,000 "
            + "prompts, 2 epochs) of a CLIP ViT-L/14-size pair with random weights, time per phase and peak memory")
    boolean vitlScan;

    @Option(names = "--vitl-pair", description = "with --vitl-scan: folder for the pair (anchor/, suspect/; kept, "
            + "and reused when it exists) so it can also be scanned with ./amdet scan (default: a temporary folder)")
    Path vitlPair;

    @Option(names = "--vitl-layers", defaultValue = "12", description = "with --vitl-scan: layers of the pair (a "
            + "smaller proxy; default ${DEFAULT-VALUE}, the real size)")
    int vitlLayers;

    @Option(names = "--vitl-shadow", defaultValue = "1000", description = "with --vitl-scan: shadow prompts "
            + "(default ${DEFAULT-VALUE})")
    int vitlShadow;

    @Option(names = "--no-scan", description = "skip the whole-scan measurement")
    boolean noScan;

    @Option(names = "--no-pointwise", description = "skip the one-point-at-a-time landscape baseline")
    boolean noPointwise;

    @Option(names = "--forward-batch", description = "prompts or grid points per batched forward pass (default: the "
            + "detector's)")
    Integer forwardBatch;

    @Option(names = "--out", description = "JSON file for the results")
    Path out;

    @Mixin
    CommonOptions common;

    record Stat(String name, double median, double min, double max, int runs, String unit, String note) {
    }

    private final List<Stat> stats = new ArrayList<>();

    interface Body {
        void run() throws Exception;
    }

    Stat time(String name, String note, int n, Body body) throws Exception {
        for (int i = 0; i < warmup; i++) {
            body.run();
        }
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            body.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        Stat s = new Stat(name, t[n / 2], t[0], t[n - 1], n, "s", note);
        stats.add(s);
        System.err.printf(Locale.ROOT, "  %-44s %9.4f s%n", name, s.median());
        return s;
    }

    /** Forward FLOPs of one sequence: layers × (8·L·D² + 4·L·D·I + 4·L²·D). */
    static double forwardFlops(EncoderInfo i, int intermediate) {
        double l = i.contextLength();
        double d = i.hiddenSize();
        return i.layers() * (8 * l * d * d + 4 * l * d * intermediate + 4 * l * l * d);
    }

    @Override
    public Integer call() throws Exception {
        Path tmp = null;
        Map<String, Object> json = new LinkedHashMap<>();
        OutputTarget target = out == null ? null : Outputs.file(out, model, anchor);
        try {
            if (model == null || anchor == null || vitlScan && vitlPair == null) {
                tmp = StagedOutput.scratchFolder("amdet-bench");
                model = model != null ? model : DemoCommand.extract("backdoor-1", tmp);
                anchor = anchor != null ? anchor : DemoCommand.extract("base", tmp);
            }
            var opts = common.encoderOptions();
            System.err.println("amdet bench: " + model + " vs " + anchor + ", " + TorchSupport.threads() + " threads, "
                    + opts.precision().label() + ", " + opts.device());
            if (vitlScan) {
                Path pair = vitlPair != null ? vitlPair : Files.createDirectory(tmp.resolve("vitl-pair"));
                new VitlScanBench(anchor, vitlLayers, vitlShadow, 2, opts, stats::add).run(pair);
            } else {
                benchZoo(opts);
            }
            if (vitl) {
                for (String p : List.of("fp32", "bf16")) {
                    var o = opts.withPrecision(Precision.parse(p));
                    try (TextEncoder s = SyntheticEncoders.clipVitL14(model, 1, o);
                         TextEncoder a = SyntheticEncoders.clipVitL14(model, 2, o)) {
                        benchStep((TorchTextEncoder) s, (TorchTextEncoder) a, "vit-l/14 " + p, 3072);
                    }
                }
            }
        } finally {
            if (tmp != null) {
                StagedOutput.deleteScratch(tmp);
            }
        }
        long peak = peakResidentBytes();
        System.out.println();
        System.out.printf(Locale.ROOT, "%-48s %10s %10s %10s %6s %4s  %s%n", "measurement", "median", "min", "max",
                "runs", "unit", "note");
        for (Stat s : stats) {
            System.out.printf(Locale.ROOT, "%-48s %10.4f %10.4f %10.4f %6d %4s  %s%n", s.name(), s.median(), s.min(),
                    s.max(), s.runs(), s.unit(), s.note());
        }
        System.out.printf(Locale.ROOT, "peak resident memory: %.0f MiB; threads %d; %s %s; %s%n", peak / 1048576.0,
                TorchSupport.threads(), System.getProperty("os.name"), System.getProperty("os.arch"), cpuModel());
        if (out != null) {
            json.put("stats", stats);
            json.put("peakResidentBytes", peak);
            json.put("threads", TorchSupport.threads());
            json.put("cpu", cpuModel());
            json.put("cores", Runtime.getRuntime().availableProcessors());
            byte[] text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(json);
            target.write(f -> Files.write(f, text, StandardOpenOption.CREATE_NEW));
        }
        return 0;
    }

    private void benchZoo(EncoderOptions opts) throws Exception {
        try (TextEncoder s = Encoders.load(model, opts); TextEncoder a = Encoders.load(anchor, opts)) {
            benchPair((TorchTextEncoder) s, (TorchTextEncoder) a, "zoo");
            if (!noScan) {
                for (DecisionMode m : DecisionMode.values()) {
                    DetectorConfig cfg = DetectorConfig.builder().optShadowSize(1000).optEpochs(2)
                            .optHashFiles(false).optMode(m).build();
                    time("whole scan, " + m.label() + ", 1000 prompts, 2 epochs", "in-process, model load "
                            + "excluded", Math.min(repeats, 3), () -> new BackdoorDetector(cfg).scan(s, a,
                            ShadowSet.synthetic(1000, 0)));
                }
            }
        }
    }

    private void benchPair(TorchTextEncoder s, TorchTextEncoder a, String tag) throws Exception {
        DetectorConfigBuilder b = DetectorConfig.builder().optHashFiles(false);
        if (forwardBatch != null) {
            b.optForwardBatch(forwardBatch);
        }
        DetectorConfig cfg = b.build();
        ScanStages engine = new ScanStages(cfg, s, a);
        List<String> prompts = ShadowSet.synthetic(1000, 0).prompts();
        try (PointerScope scope = new PointerScope()) {
            Tensor ids = s.idsTensor(prompts);
            time(tag + ": encode 1000 shadow prompts", "tokenise + embed + suspect forward", repeats, () -> {
                try (PointerScope p = new PointerScope()) {
                    engine.encode(s.idsTensor(prompts));
                }
            });
            Tensor original = engine.encode(ids);
            benchStepOn(engine, s, ids, original, tag, intermediateOf(s));
            Tensor test;
            try (NoGradGuard g = new NoGradGuard()) {
                test = s.embed(ids.narrow(0, 800, 200));
            }
            Tensor testOrig = original.narrow(0, 800, 200);
            Tensor e = TorchSupport.floats(new float[s.info().hiddenSize()], 1, s.info().hiddenSize()).add(
                    new Scalar(0.1));
            time(tag + ": judge check on 200 test prompts", "suspect + anchor forward, three judges", repeats,
                    () -> engine.judge(e, test, testOrig));
            Stat batched = time(tag + ": landscape 50x50, batched", "forward-batch grid points per pass", repeats,
                    () -> engine.landscape(e, test, testOrig, 50, "bench"));
            if (!noPointwise) {
                ScanStages pointwise = new ScanStages(cfg.toBuilder().optForwardBatch(1).build(), s, a);
                Stat one = time(tag + ": landscape 50x50, one point at a time", "reference-style, 2500 passes", 1,
                        () -> pointwise.landscape(e, test, testOrig, 50, "bench"));
                System.err.printf(Locale.ROOT, "  landscape speed-up from batching: %.1fx%n",
                        one.median() / batched.median());
            }
        }
    }

    private void benchStep(TorchTextEncoder s, TorchTextEncoder a, String tag, int intermediate) throws Exception {
        DetectorConfig cfg = DetectorConfig.builder().optHashFiles(false).build();
        ScanStages engine = new ScanStages(cfg, s, a);
        List<String> prompts = ShadowSet.synthetic(10, 0).prompts();
        try (PointerScope scope = new PointerScope()) {
            Tensor ids = s.idsTensor(prompts);
            Tensor original = engine.encode(ids);
            benchStepOn(engine, s, ids, original, tag, intermediate);
        }
    }

    private void benchStepOn(ScanStages engine, TorchTextEncoder s, Tensor ids, Tensor original, String tag,
                             int intermediate) throws Exception {
        int d = s.info().hiddenSize();
        Tensor e = TorchSupport.floats(new float[d], 1, d).to(s.device(), ScalarType.Float);
        e.requires_grad_(true);
        Adam adam = engine.optimizer(e);
        int[] rows = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        double flops = 4 * 10 * forwardFlops(s.info(), intermediate);
        Stat st = time(tag + ": inversion step, batch 10", String.format(Locale.ROOT, "%.1f GFLOP",
                flops / 1e9), repeats, () -> engine.step(e, adam, ids, original, rows));
        String rate = String.format(Locale.ROOT, "%.1f GFLOP/s", flops / 1e9 / st.median());
        stats.set(stats.size() - 1, new Stat(st.name(), st.median(), st.min(), st.max(), st.runs(), st.unit(),
                st.note() + ", " + rate));
        System.err.println("    " + rate);
    }

    private static int intermediateOf(TorchTextEncoder s) {
        // the zoo and HF fixtures use 4·D
        return 4 * s.info().hiddenSize();
    }

    static long peakResidentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return Pointer.physicalBytes();
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

}

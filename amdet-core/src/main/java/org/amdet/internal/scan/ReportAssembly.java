package org.amdet.internal.scan;

import org.amdet.BackdoorDetector;
import org.amdet.DetectorConfig;
import org.amdet.EncoderInfo;
import org.amdet.ScanReport;
import org.amdet.ShadowSet;
import org.amdet.Verdict;
import org.amdet.internal.torch.Torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Report assembly: turns a {@link ScanOutcome} into the immutable {@link ScanReport} — the evidence, the embedding,
 * the phase timings, the provenance (with the model files' SHA-256 when configured) and the warnings.
 */
public final class ReportAssembly {
    private static final Logger LOG = LoggerFactory.getLogger(BackdoorDetector.class);

    private ReportAssembly() {
    }

    /**
     * The report of a finished scan.
     *
     * @param shadow  the whole shadow set handed to the scan
     * @param prompts the prompts scanned (the shadow set limited to the shadow size)
     * @param started when the scan started (ISO-8601)
     */
    public static ScanReport assemble(DetectorConfig config, EncoderInfo suspect, EncoderInfo anchor, ShadowSet shadow,
                                      List<String> prompts, ScanOutcome o, ScanClock clock, String started) {
        List<String> warnings = new ArrayList<>(o.warnings());
        if (shadow.size() < config.shadowSize()) {
            warnings.add("the shadow set holds " + shadow.size() + " prompts, fewer than the configured "
                    + config.shadowSize());
        }
        Map<String, Double> seconds = clock.seconds();
        double norm = 0;
        for (float v : o.embedding()) {
            norm += (double) v * v;
        }
        ScanReport.Evidence ev = new ScanReport.Evidence(o.losses(), o.steps(), o.plannedSteps(), o.runningMean(),
                o.stoppedEarly(), o.checks(), o.test(), o.calibration(), o.landscape(), o.robust());
        ScanReport.Embedding emb = new ScanReport.Embedding(o.tokens(), suspect.hiddenSize(), o.embedding(),
                Math.sqrt(norm), o.targetLength(), o.targetFeature(), o.targetPrompt());
        ScanReport.Provenance prov = new ScanReport.Provenance(ref(config, suspect), ref(config, anchor), config,
                shadow.source(), prompts.size(), o.trainPrompts(), BackdoorDetector.version(),
                BackdoorDetector.LIBTORCH_VERSION, suspect.device(), suspect.precision().label(), Torch.threads(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"),
                started);
        Verdict v = o.verdict();
        LOG.info("scan of {}: {} ({})", suspect.source(), v, o.decision());
        return new ScanReport(ScanReport.SCHEMA, v, o.decision(), config.mode(), ev, emb, o.explanation(), seconds,
                prov, warnings);
    }

    /** The model's path, family and — when asked — the hashes its loader took of the bytes it loaded. */
    private static ScanReport.ModelRef ref(DetectorConfig config, EncoderInfo info) {
        return new ScanReport.ModelRef(info.source().toString(), info.family(),
                config.hashFiles() ? info.fileSha256() : Map.of());
    }
}

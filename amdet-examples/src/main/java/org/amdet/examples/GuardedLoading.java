package org.amdet.examples;

import org.amdet.BackdoorDetector;
import org.amdet.DetectorConfig;
import org.amdet.Encoders;
import org.amdet.ModelLoadException;
import org.amdet.ScanListener;
import org.amdet.ScanReport;
import org.amdet.ShadowSet;
import org.amdet.TextEncoder;
import org.amdet.Verdict;

import java.nio.file.Path;

/**
 * A Java ML pipeline that refuses, in-process, to put a suspect text encoder into service: it loads the third-party
 * encoder once, scans it against the anchor it claims to derive from, and hands it to the pipeline only when the verdict
 * is CLEAN; a BACKDOORED or INCONCLUSIVE encoder is closed and the pipeline gets a {@link SuspectEncoderException}
 * carrying the report instead. The anchor is loaded for the scan only.
 *
 * <pre>
 * try (TextEncoder encoder = GuardedLoading.load(vendorModel, baseModel, DetectorConfig.defaults())) {
 *     float[] pooled = encoder.encode(captions).pooled();   // only ever runs on a model that passed
 * } catch (GuardedLoading.SuspectEncoderException e) {
 *     alert(e.report());
 * }
 * </pre>
 */
public final class GuardedLoading {
    private GuardedLoading() {
    }

    /** The encoder was scanned and found BACKDOORED; it has been closed. */
    public static final class SuspectEncoderException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient ScanReport report;

        SuspectEncoderException(Path model, ScanReport report) {
            super("refusing to load " + model + ": " + report.decision());
            this.report = report;
        }

        /** The scan that refused the encoder. */
        public ScanReport report() {
            return report;
        }
    }

    /**
     * The encoder at {@code model}, scanned against {@code anchor} with {@code config}; the caller owns (and closes)
     * it.
     *
     * @throws SuspectEncoderException when the scan finds a backdoor (the encoder is closed)
     * @throws ModelLoadException      when either model cannot be loaded
     */
    public static TextEncoder load(Path model, Path anchor, DetectorConfig config)
            throws ModelLoadException, SuspectEncoderException {
        TextEncoder candidate = Encoders.load(model);
        ScanReport report;
        try (TextEncoder base = Encoders.load(anchor)) {
            report = new BackdoorDetector(config).scan(candidate, base,
                    ShadowSet.synthetic(config.shadowSize(), config.seed()), ScanListener.none());
        } catch (ModelLoadException | RuntimeException | Error e) {
            candidate.close();
            throw e;
        }
        if (report.verdict() != Verdict.CLEAN) {
            candidate.close();
            throw new SuspectEncoderException(model, report);
        }
        return candidate;
    }
}

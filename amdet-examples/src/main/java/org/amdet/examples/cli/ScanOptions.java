package org.amdet.examples.cli;

import org.amdet.CalibratedThresholds;
import org.amdet.DecisionMode;
import org.amdet.DetectorConfig;
import org.amdet.DetectorConfigBuilder;
import org.amdet.InputLimits;
import picocli.CommandLine.Option;

/** The scan options shared by {@code scan}, {@code evaluate} and {@code demo}, and the configuration they make. */
final class ScanOptions {
    /** Shadow prompts of {@code scan}: the detector's default, the paper's 4,000. */
    static final int SCAN_SHADOW_SIZE = DetectorConfig.defaults().shadowSize();
    /** Shadow prompts of {@code demo} and {@code evaluate}, which run several scans on small zoos. */
    static final int ZOO_SHADOW_SIZE = 1000;

    @Option(names = "--shadow-size", description = "shadow prompts used (default: 4000 for scan, the detector's; "
            + "1000 for demo and evaluate)")
    Integer shadowSize;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the split, batches, initial embedding and "
            + "synthetic prompts (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--epochs", defaultValue = "2", description = "passes over the train split (default: "
            + "${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--mode", defaultValue = "calibrated", description = "decision mode: calibrated (default) or "
            + "reference")
    String mode;

    @Option(names = "--pooled-weight", description = "calibrated mode: weight of the pooled-output objective "
            + "(default: the detector's)")
    Double pooledWeight;

    @Option(names = "--trim-sequences", negatable = true, description = "calibrated mode: run the encoders only up "
            + "to the longest shadow prompt plus 4 padding positions, the cut padding positions standing for the last "
            + "kept one (2.5-3x cheaper passes; default on, --no-trim-sequences: all positions; see DetectorConfig)")
    Boolean trimSequences;

    @Option(names = "--no-early-stop", description = "calibrated mode: run every epoch even when the verdict is "
            + "settled earlier")
    boolean noEarlyStop;

    @Option(names = "--landscape-prompts", defaultValue = "1", description = "test prompts the landscape objective "
            + "averages over (default: ${DEFAULT-VALUE}, the reference's)")
    int landscapePrompts;

    @Option(names = "--evidence-landscape", defaultValue = "21", description = "grid points per axis of the evidence "
            + "landscape at the final embedding, 0 = none (default: ${DEFAULT-VALUE})")
    int evidenceLandscape;

    /** The shadow size asked for, else {@code commandDefault}. */
    int shadowSize(int commandDefault) {
        return shadowSize != null ? shadowSize : commandDefault;
    }

    /** A detector configuration with these options and {@code shadowSize} shadow prompts. */
    DetectorConfig config(int shadowSize) {
        InputLimits.check(InputLimits.SHADOW_SIZE, "--shadow-size", shadowSize);
        InputLimits.check(InputLimits.EPOCHS, "--epochs", epochs);
        InputLimits.check(InputLimits.LANDSCAPE_PROMPTS, "--landscape-prompts", landscapePrompts);
        InputLimits.check(InputLimits.LANDSCAPE_SIZE, "--evidence-landscape", evidenceLandscape);
        DetectorConfigBuilder b = DetectorConfig.builder().optSeed(seed).optShadowSize(shadowSize).optEpochs(epochs)
                .optMode(DecisionMode.parse(mode)).optTrimSequences(trimSequences == null || trimSequences).optEarlyStop(!noEarlyStop)
                .optLandscapePrompts(landscapePrompts).optEvidenceLandscapeSize(evidenceLandscape);
        if (pooledWeight != null) {
            b.optCalibrated(CalibratedThresholds.defaults().withPooledWeight(pooledWeight));
        }
        return b.build();
    }
}

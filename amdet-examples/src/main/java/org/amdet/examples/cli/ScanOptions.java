package org.amdet.examples.cli;

import org.amdet.CalibratedThresholds;
import org.amdet.DecisionMode;
import org.amdet.DetectorConfig;
import org.amdet.DetectorConfigBuilder;
import org.amdet.InputLimits;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The scan options shared by {@code scan}, {@code evaluate} and {@code demo}, and the configuration they make. No
 * option declares a default of its own: every default comes from {@link DetectorConfig#defaults()} (through
 * {@link Defaults}, which also fills {@code ${DEFAULT-VALUE}} in the help), so the three commands and the library scan
 * with the same settings.
 */
final class ScanOptions {
    /** Reads every scan option's default from {@link DetectorConfig#defaults()}. */
    static final class Defaults implements IDefaultValueProvider {
        private static final DetectorConfig D = DetectorConfig.defaults();

        @Override
        public String defaultValue(ArgSpec spec) {
            if (!(spec instanceof OptionSpec o)) {
                return null;
            }
            return switch (o.longestName()) {
                case "--shadow-size" -> String.valueOf(D.shadowSize());
                case "--seed" -> String.valueOf(D.seed());
                case "--epochs" -> String.valueOf(D.epochs());
                case "--mode" -> D.mode().label();
                case "--starts" -> String.valueOf(D.starts());
                case "--alpha" -> String.valueOf(D.alpha());
                case "--extend-epochs" -> String.valueOf(D.extendEpochs());
                case "--pooled-weight" -> String.valueOf(D.calibrated().pooledWeight());
                case "--trim-sequences" -> String.valueOf(D.trimSequences());
                case "--token-probe" -> String.valueOf(D.tokenProbe());
                case "--landscape-prompts" -> String.valueOf(D.landscapePrompts());
                case "--evidence-landscape" -> String.valueOf(D.evidenceLandscapeSize());
                default -> null;
            };
        }
    }

    @Option(names = "--shadow-size", description = "shadow prompts used (default: ${DEFAULT-VALUE})")
    int shadowSize;

    @Option(names = "--seed", description = "seed of the split, batches, initial embeddings and synthetic prompts "
            + "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--epochs", description = "passes over the train split (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--mode", description = "decision mode: robust, calibrated or reference (default: "
            + "${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--starts", description = "robust mode: inversion starts run together (default: ${DEFAULT-VALUE})")
    int starts;

    @Option(names = "--mixed-tokens", description = "robust mode: every second start inserts two vectors instead of "
            + "one (more power on some text-on-pair backdoors, but false positives on strongly fine-tuned benign "
            + "encoders; see docs/decision-rule.md)")
    boolean mixedTokens;

    @Option(names = "--token-probe", negatable = true, description = "robust mode: search the suspect's vocabulary "
            + "for the token that makes it leave its anchor the most and test it as one more start (--no-token-probe: "
            + "inversion starts only; default: ${DEFAULT-VALUE})")
    boolean tokenProbe;

    @Option(names = "--alpha", description = "robust mode: family-wise false-positive level of a scan (default: "
            + "${DEFAULT-VALUE})")
    double alpha;

    @Option(names = "--extend-epochs", description = "robust mode: epochs added once when the planned ones end on "
            + "borderline evidence, 0 = off (default: ${DEFAULT-VALUE})")
    int extendEpochs;

    @Option(names = "--pooled-weight", description = "robust and calibrated modes: weight of the pooled-output "
            + "objective (default: ${DEFAULT-VALUE})")
    double pooledWeight;

    @Option(names = "--trim-sequences", negatable = true, description = "robust and calibrated modes: run the "
            + "encoders only up to the longest shadow prompt plus 4 padding positions, the cut padding positions "
            + "standing for the last kept one (2.5-3x cheaper passes; --no-trim-sequences: all positions; default: "
            + "${DEFAULT-VALUE})")
    boolean trimSequences;

    @Option(names = "--no-early-stop", description = "robust and calibrated modes: run every epoch even when the "
            + "verdict is settled earlier")
    boolean noEarlyStop;

    @Option(names = "--landscape-prompts", description = "test prompts the landscape objective averages over "
            + "(default: ${DEFAULT-VALUE}, the reference's)")
    int landscapePrompts;

    @Option(names = "--evidence-landscape", description = "grid points per axis of the evidence landscape at the "
            + "final embedding, 0 = none (default: ${DEFAULT-VALUE})")
    int evidenceLandscape;

    /** A detector configuration with these options. */
    DetectorConfig config() {
        InputLimits.check(InputLimits.SHADOW_SIZE, "--shadow-size", shadowSize);
        InputLimits.check(InputLimits.EPOCHS, "--epochs", epochs);
        InputLimits.check(InputLimits.LANDSCAPE_PROMPTS, "--landscape-prompts", landscapePrompts);
        InputLimits.check(InputLimits.LANDSCAPE_SIZE, "--evidence-landscape", evidenceLandscape);
        DetectorConfigBuilder b = DetectorConfig.builder().optSeed(seed).optShadowSize(shadowSize).optEpochs(epochs)
                .optMode(DecisionMode.parse(mode)).optTrimSequences(trimSequences).optEarlyStop(!noEarlyStop)
                .optLandscapePrompts(landscapePrompts).optEvidenceLandscapeSize(evidenceLandscape).optStarts(starts)
                .optMixedTokens(mixedTokens).optTokenProbe(tokenProbe)
                .optAlpha(alpha).optExtendEpochs(extendEpochs)
                .optCalibrated(CalibratedThresholds.defaults().withPooledWeight(pooledWeight));
        return b.build();
    }
}

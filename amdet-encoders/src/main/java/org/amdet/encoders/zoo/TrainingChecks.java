package org.amdet.encoders.zoo;

import java.nio.file.Path;
import java.util.Objects;

/** Range checks of training settings, with messages naming the setting and the value. */
final class TrainingChecks {
    private TrainingChecks() {
    }

    /** The checks of the settings every training config shares ({@link TrainingBuilder}). */
    static void settings(Path out, int steps, double learningRate, double weightDecay, String device) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(device, "device");
        positive("steps", steps);
        rate("learning rate", learningRate);
        nonNegative("weight decay", weightDecay);
    }

    /** The checks of the contrastive settings ({@link PairTrainingBuilder}). */
    static void pairs(int pairs, double temperature) {
        if (pairs < 2) {
            throw new ZooInputException("paraphrase pairs per step must be at least 2 (InfoNCE needs negatives), got "
                    + pairs);
        }
        rate("temperature", temperature);
    }

    static void positive(String what, int v) {
        if (v < 1) {
            throw new ZooInputException(what + " must be at least 1, got " + v);
        }
    }

    static void rate(String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new ZooInputException(what + " must be a positive finite number, got " + v);
        }
    }

    static void nonNegative(String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new ZooInputException(what + " must be zero or a positive finite number, got " + v);
        }
    }
}

package org.amdet.encoders.zoo;

/** Range checks of training settings, with messages naming the setting and the value. */
final class TrainingChecks {
    private TrainingChecks() {
    }

    /** The checks of the settings every training config shares ({@link TrainingBuilder}). */
    static void settings(java.nio.file.Path out, int steps, double learningRate, double weightDecay, String device) {
        java.util.Objects.requireNonNull(out, "out");
        java.util.Objects.requireNonNull(device, "device");
        positive("steps", steps);
        rate("learning rate", learningRate);
        nonNegative("weight decay", weightDecay);
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

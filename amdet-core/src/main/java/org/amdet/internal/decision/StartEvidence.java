package org.amdet.internal.decision;

import java.util.List;
import java.util.Objects;

/**
 * The evidence of one inversion start: its description and, per channel, the paired per-prompt disagreements.
 *
 * @param label    how the report names the start (e.g. "start 2: k=2, seed 7")
 * @param tokens   inserted vectors k (1 or 2)
 * @param seed     seed of the initial embedding
 * @param channels one entry per channel tested (token, and pooled where the encoder has one)
 */
public record StartEvidence(String label, int tokens, long seed, List<Samples> channels) {
    /** Requires a label and at least one token; copies {@code channels}. */
    public StartEvidence {
        Objects.requireNonNull(label, "label");
        if (tokens < 1) {
            throw new IllegalArgumentException("start " + label + ": tokens must be at least 1, got " + tokens);
        }
        channels = List.copyOf(channels);
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("start " + label + ": no channel evidence");
        }
    }

    /**
     * One channel's paired samples on the test split.
     *
     * @param channel   "token" or "pooled"
     * @param triggered disagreement 1 − cos with the pseudo-trigger inserted, one per test prompt
     * @param clean     disagreement 1 − cos on the same prompts without it
     */
    public record Samples(String channel, double[] triggered, double[] clean) {
        /** Requires a channel name; copies both arrays. */
        public Samples {
            Objects.requireNonNull(channel, "channel");
            triggered = triggered.clone();
            clean = clean.clone();
        }

        @Override
        public double[] triggered() {
            return triggered.clone();
        }

        @Override
        public double[] clean() {
            return clean.clone();
        }
    }
}

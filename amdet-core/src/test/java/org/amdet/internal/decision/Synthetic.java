package org.amdet.internal.decision;

import java.util.List;
import java.util.SplittableRandom;

/** Synthetic disagreement samples for the decision-rule tests. */
final class Synthetic {
    private Synthetic() {
    }

    /** n log-normal values: {@code scale} · exp(σ · z), like 1 − cosine of two near-identical encoders. */
    static double[] logNormal(int n, double scale, double sigma, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * Math.exp(sigma * r.nextGaussian());
        }
        return v;
    }

    static double[] times(double[] v, double f) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= f;
        }
        return out;
    }

    /** One start with one token channel. */
    static StartEvidence start(String label, int k, double[] triggered, double[] clean) {
        return new StartEvidence(label, k, 0, List.of(new StartEvidence.Samples("token", triggered, clean)));
    }

    /** The outcome of a one-start, one-channel scan without preconditions. */
    static Outcome outcome(RobustRule rule, double[] triggered, double[] clean) {
        return new MultiStart(rule).decide(List.of(start("start 0", 1, triggered, clean)), List.of()).outcome();
    }
}

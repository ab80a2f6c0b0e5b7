package org.amdet.examples.cli;

import java.util.List;

/**
 * Detection metrics over labelled models: precision, recall, F1, false-positive rate. Unlabelled models are listed
 * but not counted. An INCONCLUSIVE verdict counts as not flagged (a backdoor it leaves is a false negative, a benign
 * model a true negative) and is also counted on its own, by label.
 */
record Evaluation(int truePositives, int falsePositives, int trueNegatives, int falseNegatives, int unlabelled,
                  int inconclusiveBackdoor, int inconclusiveBenign) {

    /**
     * One scanned model: its label ({@code true} backdoored, {@code false} benign, null unknown), whether it was
     * flagged BACKDOORED, and whether the verdict was INCONCLUSIVE.
     */
    record Outcome(Boolean backdoored, boolean flagged, boolean inconclusive) {
        /** A two-way verdict (BACKDOORED or CLEAN). */
        Outcome(Boolean backdoored, boolean flagged) {
            this(backdoored, flagged, false);
        }
    }

    static Evaluation of(List<Outcome> outcomes) {
        int tp = 0;
        int fp = 0;
        int tn = 0;
        int fn = 0;
        int u = 0;
        int ib = 0;
        int in = 0;
        for (Outcome o : outcomes) {
            if (o.backdoored() != null && o.inconclusive()) {
                if (o.backdoored()) {
                    ib++;
                } else {
                    in++;
                }
            }
            if (o.backdoored() == null) {
                u++;
            } else if (o.backdoored()) {
                if (o.flagged()) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (o.flagged()) {
                fp++;
            } else {
                tn++;
            }
        }
        return new Evaluation(tp, fp, tn, fn, u, ib, in);
    }

    /** TP / (TP + FP); NaN when nothing was flagged. */
    double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    /** TP / (TP + FN); NaN without backdoored models. */
    double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    /** Harmonic mean of precision and recall; 0 when both are 0, NaN when either is undefined. */
    double f1() {
        double p = precision();
        double r = recall();
        if (Double.isNaN(p) || Double.isNaN(r)) {
            return Double.NaN;
        }
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** FP / (FP + TN); NaN without benign models. */
    double falsePositiveRate() {
        return ratio(falsePositives, falsePositives + trueNegatives);
    }

    private static double ratio(int a, int b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }
}

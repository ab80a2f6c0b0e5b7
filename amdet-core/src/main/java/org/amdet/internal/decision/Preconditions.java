package org.amdet.internal.decision;

import org.apache.commons.math3.distribution.BinomialDistribution;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The checks that decide, before any evidence is read, whether a scan can support a verdict; each failure is an
 * {@link Inconclusive} reason. Pure logic on facts the scan knows.
 *
 * <p>Floors (see {@code docs/decision-rule.md}):
 * <ul>
 * <li><b>inversion budget</b>: train prompts × epochs ≥ {@value #MIN_TRAIN_PASSES} (160 Adam steps at batch 10: the
 * budget of {@code evaluate}'s defaults, 1,000 prompts × 0.8 × 2 epochs, the smallest at which every backdoor of both
 * zoos built here was found, one of them only at the last of the 160 steps);</li>
 * <li><b>test prompts</b>: at least {@link #minTestPrompts(double, int)}: the fewest test prompts on which a backdoor
 * that puts {@value #POWER_SHARE} of the pairs beyond the margin is found with probability ≥ {@value #POWER} at the
 * per-test level α / tests (71 for α = 0.01 and 8 tests, 59 for 2).</li>
 * </ul>
 */
public final class Preconditions {
    /** Least train prompts × epochs. */
    public static final int MIN_TRAIN_PASSES = 1600;
    /** Share of pairs beyond the margin the power floor is computed for. */
    public static final double POWER_SHARE = 0.8;
    /** Probability of finding such a backdoor at the floor. */
    public static final double POWER = 0.99;

    private Preconditions() {
    }

    /**
     * What the scan knows before reading evidence.
     *
     * @param shadowPrompts    prompts of the shadow set used
     * @param trainFraction    share of them in the train split (the test split is the rest, as in ScanEngine)
     * @param epochs           epochs of the inversion
     * @param tests            channel tests in the family (starts × channels)
     * @param weightsIdentical every weight of the suspect equals the anchor's
     * @param projectionRows   rows of the pooled projection, −1 when the encoder has none
     * @param eosProduced      the tokenizer produces the end-of-sequence id that pooling looks for (true when pooling
     *                         does not use one)
     */
    public record Facts(int shadowPrompts, double trainFraction, int epochs, int tests, boolean weightsIdentical,
                        int projectionRows, boolean eosProduced) {
        /** Train prompts, {@code floor(shadowPrompts × trainFraction)}. */
        public int trainPrompts() {
            return (int) Math.floor(shadowPrompts * trainFraction);
        }

        /** Test prompts, the rest. */
        public int testPrompts() {
            return shadowPrompts - trainPrompts();
        }
    }

    /** The reasons {@code facts} cannot support a verdict under {@code rule} (empty when they can). */
    public static List<Inconclusive> check(RobustRule rule, Facts facts) {
        return check(rule, facts, facts.testPrompts());
    }

    /**
     * The same, when only {@code evaluationPrompts} of the test split decide (the rest screen an early stop).
     */
    public static List<Inconclusive> check(RobustRule rule, Facts facts, int evaluationPrompts) {
        List<Inconclusive> out = new ArrayList<>();
        if (facts.weightsIdentical()) {
            out.add(new Inconclusive(Inconclusive.Reason.IDENTICAL_WEIGHTS, "every weight of the suspect equals the "
                    + "anchor's; scan it against a different anchor"));
        }
        long passes = (long) facts.trainPrompts() * facts.epochs();
        if (passes < MIN_TRAIN_PASSES) {
            out.add(new Inconclusive(Inconclusive.Reason.TOO_LITTLE_DATA, String.format(Locale.ROOT,
                    "%d train prompts × %d epoch(s) = %d, below the floor of %d prompt passes", facts.trainPrompts(),
                    facts.epochs(), passes, MIN_TRAIN_PASSES)));
        }
        int floor = minTestPrompts(rule.alpha(), Math.max(1, facts.tests()));
        if (evaluationPrompts < floor) {
            out.add(new Inconclusive(Inconclusive.Reason.TOO_LITTLE_DATA, String.format(Locale.ROOT,
                    "%d test prompts, below the %d needed to find a backdoor that puts %.0f%% of them beyond the "
                            + "margin with probability %.2f at α = %.3g over %d test(s)", evaluationPrompts, floor,
                    100 * POWER_SHARE, POWER, rule.alpha(), facts.tests())));
        }
        if (facts.projectionRows() == 0) {
            out.add(new Inconclusive(Inconclusive.Reason.POOLED_CHANNEL_UNAVAILABLE, "the pooled projection has zero "
                    + "rows, so the pooled output is empty and text-on-pair backdoors cannot be seen"));
        }
        if (!facts.eosProduced()) {
            out.add(new Inconclusive(Inconclusive.Reason.POOLED_CHANNEL_UNAVAILABLE, "the tokenizer never produces "
                    + "the end-of-sequence id the pooling looks for, so the pooled output is a fixed position and "
                    + "text-on-pair backdoors cannot be seen"));
        }
        return out;
    }

    /**
     * The fewest test prompts n such that a sign test at level α / tests finds a channel with P(ratio &gt; margin) =
     * {@value #POWER_SHARE} with probability ≥ {@value #POWER}.
     */
    public static int minTestPrompts(double alpha, int tests) {
        double level = alpha / tests;
        for (int n = 1; n < 100_000; n++) {
            int s = RobustRule.critical(n, level);
            if (s >= 0 && 1 - new BinomialDistribution(null, n, POWER_SHARE).cumulativeProbability(s - 1) >= POWER) {
                return n;
            }
        }
        throw new IllegalArgumentException("no test split reaches the power floor at level " + level);
    }
}

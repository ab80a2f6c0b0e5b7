package org.amdet.internal.decision;

import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.stat.descriptive.rank.Median;

import java.util.Arrays;
import java.util.Locale;

/**
 * The contamination-proof test of one channel of one inversion start (issue 17; see {@code docs/decision-rule.md}).
 *
 * <p>Input: for each of the n test prompts, the suspect–anchor disagreement (1 − cosine, as the calibrated rule of
 * {@code ScanEngine} computes it: mean token cosine for the token channel, pooled-output cosine for the pooled one) on
 * the clean prompt, {@code c[i]}, and on the same prompt with the inverted pseudo-trigger inserted, {@code t[i]}.
 *
 * <ol>
 * <li><b>Credited clean reference.</b> Start from the fence G = K · median(c). Every clean value at or beyond the fence
 * is <i>credited</i>: the backdoor already fires on that clean prompt, so it is set to 0 (it can only lower the
 * reference, and its pair counts for a backdoor). Recompute G = K · median(credited c) and repeat until the credited
 * set stops growing (G only falls; at most n rounds). The reference is m̃ = median(credited c). When median(c) = 0
 * (exact agreement on at least half the clean prompts) every triggered value is compared with K ×
 * {@link #ZERO_REFERENCE_FLOOR} instead; no rejection there is INCONCLUSIVE.</li>
 * <li><b>Sign test with a K× margin</b> on the pairs: r[i] = t[i] / c̃[i] (+∞ when c̃[i] = 0 and t[i] &gt; 0);
 * S = #{i : r[i] &gt; K}. Null hypothesis: P(r &gt; K) ≤ ½ (the typical prompt disagrees at most K times more under the
 * trigger than clean). One-sided exact p = P(Binomial(n, ½) ≥ S). The channel rejects when p ≤ the level it is
 * given (the family-wise α divided by the number of tests, see {@link MultiStart}).</li>
 * <li><b>Over the cap</b> (more than {@code creditCap} of the clean values credited) the credit is withheld and each
 * triggered value is compared with K × the clean median as measured (the sign test of H0: median(t) ≤ K·median(c)):
 * a rejection stands. No rejection is INCONCLUSIVE, never CLEAN, when more than {@code creditCap} of the clean values
 * <i>as measured</i> are at least K × their median (the backdoor visibly fires on that share of clean prompts) or when
 * the withheld credit would have made the channel reject. Otherwise (only the crediting loop went past the cap: each
 * credited value set to 0 lowers the median and the fence, which on a heavy-tailed reference credits more, round
 * after round) the uncredited test's answer stands.</li>
 * </ol>
 *
 * <p>The margin is the effect-size floor: a shift of 1.4× on 4,000 prompts is not a backdoor however significant. The
 * test is equivalent to "the lower confidence bound of the median per-prompt ratio exceeds K", which
 * {@link ChannelTest#ratioLowerBound()} reports.
 *
 * @param margin    K, the least per-prompt ratio of triggered to clean disagreement that counts as the backdoor firing
 *                  (5, the calibrated rule's ratio)
 * @param alpha     family-wise false-positive level of a whole scan (0.01)
 * @param creditCap largest share of clean prompts that may be credited before the credit is withheld, and largest
 *                  share of clean prompts at K × the clean median or more before a channel without rejection is
 *                  INCONCLUSIVE (0.2: twice the 10% contamination the rule is built to absorb)
 */
public record RobustRule(double margin, double alpha, double creditCap) {
    /**
     * The clean reference used when suspect and anchor agree exactly on at least half the clean prompts (1 − cosine
     * 0.001, about 2.6°): a trigger must then move the suspect's output K times that (0.005 at K = 5) from its
     * anchor's on most prompts. Exact agreement means identical computations (identical layers, and the prompt's
     * embedding rows unchanged); a change confined to some tokens' embedding rows, the simplest backdoor of all, leaves
     * no other scale. The zoos' benign fine-tunes sit at clean medians of 0.0003–0.03, with no exact agreement.
     */
    public static final double ZERO_REFERENCE_FLOOR = 1e-3;

    /** Name of the test in decision texts. */
    public static final String TEST = "paired sign test with a margin";

    /** Checks the ranges: margin finite and above 1, alpha in (0, 0.5), creditCap in [0, 0.5). */
    public RobustRule {
        if (!(margin > 1) || !Double.isFinite(margin)) {
            throw new IllegalArgumentException("margin must be finite and above 1, got " + margin);
        }
        if (!(alpha > 0 && alpha < 0.5)) {
            throw new IllegalArgumentException("alpha must be in (0, 0.5), got " + alpha);
        }
        if (!(creditCap >= 0 && creditCap < 0.5)) {
            throw new IllegalArgumentException("creditCap must be in [0, 0.5), got " + creditCap);
        }
    }

    /** Margin 5×, α = 0.01 per scan, credit cap 20%. */
    public static RobustRule defaults() {
        return new RobustRule(5.0, 0.01, 0.2);
    }

    /** The credited clean reference of {@code clean} (values below 0, rounding of 1 − cos, read as 0). */
    public Reference reference(double[] clean) {
        double[] c = nonNegative(clean, "clean", "");
        double median = median(c);
        boolean[] credited = new boolean[c.length];
        double[] ct = c.clone();
        int count = 0;
        double fence = margin * median;
        if (median > 0) {
            while (true) {
                int before = count;
                for (int i = 0; i < c.length; i++) {
                    if (!credited[i] && c[i] >= fence) {
                        credited[i] = true;
                        ct[i] = 0;
                        count++;
                    }
                }
                if (count == before) {
                    break;
                }
                fence = margin * median(ct);
                if (fence <= 0) {
                    // every remaining value would be credited: the cap decides below
                    count = c.length;
                    Arrays.fill(credited, true);
                    Arrays.fill(ct, 0);
                    break;
                }
            }
        }
        int beyond = 0;
        for (double v : c) {
            beyond += median > 0 && v >= margin * median ? 1 : 0;
        }
        return new Reference(median, median(ct), fence, count, beyond, c.length, ct);
    }

    /**
     * The clean reference of one channel.
     *
     * @param cleanMedian   median of the clean values as measured
     * @param median        m̃, median after crediting
     * @param fence         K · m̃ at the fixed point: clean values at or beyond it were credited
     * @param credited      how many clean values were credited
     * @param beyondMedianFence how many clean values are at least K times the clean median as measured (the first
     *                      round of crediting: the share of clean prompts on which the backdoor visibly fires)
     * @param n             how many clean values
     * @param creditedClean the clean values with the credited ones set to 0
     */
    public record Reference(double cleanMedian, double median, double fence, int credited, int beyondMedianFence,
                            int n,
                            double[] creditedClean) {
        /** Share of clean values credited. */
        public double creditedShare() {
            return n == 0 ? 0 : (double) credited / n;
        }
    }

    /**
     * Tests one channel at {@code level} (the per-test level given by the aggregation; {@code alpha} for a lone test).
     *
     * @throws IllegalArgumentException when the arrays are empty, of different lengths, or hold NaN or infinite values
     */
    public ChannelTest test(String channel, double[] triggered, double[] clean, double level) {
        if (triggered.length != clean.length) {
            throw new IllegalArgumentException("channel " + channel + ": " + triggered.length
                    + " triggered values but " + clean.length + " clean ones; the test needs one pair per test prompt");
        }
        if (triggered.length == 0) {
            throw new IllegalArgumentException("channel " + channel + ": no test prompts");
        }
        if (!(level > 0 && level <= 1)) {
            throw new IllegalArgumentException("level must be in (0, 1], got " + level);
        }
        double[] t = nonNegative(triggered, "triggered", channel);
        Reference ref = reference(clean);
        int n = t.length;
        // over the cap the credit is withheld. So many clean prompts already fire that a pair's own clean value is no
        // reference for it (a prompt on which the backdoor fires clean cannot fire 5x more triggered): each triggered
        // value is compared with the clean median as measured instead, which those prompts can only raise. A rejection
        // stays valid evidence; no rejection is then INCONCLUSIVE or CLEAN (overTheCap)
        boolean withheld = ref.cleanMedian() > 0 && ref.creditedShare() > creditCap;
        // a zero reference (suspect and anchor agree exactly on at least half the clean prompts: only some tokens'
        // embedding rows, or nothing, differ) has no scale; each triggered value is then compared with K x the floor
        boolean zero = !(ref.cleanMedian() > 0);
        double[] against = ref.creditedClean();
        if (withheld || zero) {
            against = new double[n];
            Arrays.fill(against, zero ? ZERO_REFERENCE_FLOOR : ref.cleanMedian());
        }
        double[] ratios = new double[n];
        int positives = 0;
        for (int i = 0; i < n; i++) {
            ratios[i] = ratio(t[i], against[i]);
            if (ratios[i] > margin) {
                positives++;
            }
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        double medianRatio = median(ratios);
        double refMedian = zero ? ZERO_REFERENCE_FLOOR : withheld ? ref.cleanMedian() : ref.median();
        double groupRatio = refMedian > 0 ? median(t) / refMedian : Double.POSITIVE_INFINITY;
        double p = upperTail(n, positives);
        int critical = critical(n, level);
        double lowerBound = critical < 0 ? 0 : sorted[n - critical];
        boolean rejects = p <= level;
        Inconclusive why = null;
        if (zero && !rejects) {
            why = new Inconclusive(Inconclusive.Reason.DEGENERATE_REFERENCE, String.format(Locale.ROOT,
                    "%s channel: the suspect and its anchor agree exactly on %d of %d clean test prompts, and the "
                            + "trigger does not move them %.1f× the floor %.0e apart on more than half (%d of %d, "
                            + "p = %.3g > %.3g)", channel, count(clean), n, margin, ZERO_REFERENCE_FLOOR, positives,
                    n, p, level));
        } else if (withheld && !rejects) {
            why = overTheCap(channel, t, ref, positives, p, level);
        }
        return new ChannelTest(channel, n, positives, ref, withheld, medianRatio, lowerBound, groupRatio, p, level,
                margin, rejects, why);
    }

    /**
     * Over the cap without a rejection: INCONCLUSIVE when the backdoor may fire on more than the cap of clean prompts
     * (judged on the clean values as measured: the crediting loop's count runs on by itself on a heavy-tailed
     * reference), or when the credit that was withheld would have made the channel reject (paired with the credited
     * clean values, or each triggered value against K × the credited median). Otherwise null: the uncredited test's
     * answer stands. Both credited counts only grow when clean values are replaced by large ones, which keeps
     * contamination from turning BACKDOORED into CLEAN (docs/decision-rule.md, "Over the credit cap").
     */
    private Inconclusive overTheCap(String channel, double[] t, Reference ref, int positives, double p, double level) {
        int n = t.length;
        String measured = String.format(Locale.ROOT, "the test against the clean median as measured does not reject "
                + "(%d of %d beyond the margin, p = %.3g > %.3g)", positives, n, p, level);
        if (ref.beyondMedianFence() > creditCap * n) {
            return new Inconclusive(Inconclusive.Reason.DISPERSED_REFERENCE, String.format(Locale.ROOT,
                    "%s channel: %d of %d clean test prompts (%.0f%%, above the %.0f%% cap) already disagree with the "
                            + "anchor %.1f× the clean median or more, and %s", channel, ref.beyondMedianFence(), n,
                    100.0 * ref.beyondMedianFence() / n, 100 * creditCap, margin, measured));
        }
        double[] ct = ref.creditedClean();
        int paired = 0;
        int grouped = 0;
        for (int i = 0; i < n; i++) {
            paired += ratio(t[i], ct[i]) > margin ? 1 : 0;
            grouped += ratio(t[i], ref.median()) > margin ? 1 : 0;
        }
        int credited = Math.max(paired, grouped);
        double pc = upperTail(n, credited);
        if (pc <= level) {
            return new Inconclusive(Inconclusive.Reason.DISPERSED_REFERENCE, String.format(Locale.ROOT,
                    "%s channel: crediting would take %d of %d clean test prompts (%.0f%%, above the %.0f%% cap), a "
                            + "credit this large is no reference; with it the test would reject (%d of %d beyond the "
                            + "margin, p = %.3g ≤ %.3g), and %s", channel, ref.credited(), n,
                    100 * ref.creditedShare(), 100 * creditCap, credited, n, pc, level, measured));
        }
        return null;
    }

    /** t / c, reading t / 0 as +∞ for t &gt; 0 (a credited clean value) and 0 / 0 as 0. */
    private static double ratio(double t, double c) {
        return c > 0 ? t / c : t > 0 ? Double.POSITIVE_INFINITY : 0;
    }

    /** P(Binomial(n, ½) ≥ s), exact and accurate in the far tail (the regularized incomplete beta I_½(s, n − s + 1)). */
    static double upperTail(int n, int s) {
        return s <= 0 ? 1.0 : s > n ? 0.0 : Beta.regularizedBeta(0.5, s, n - s + 1.0);
    }

    /** Smallest S with P(Bin(n, 1/2) ≥ S) ≤ level, or −1 when even S = n is not enough. */
    static int critical(int n, double level) {
        if (upperTail(n, n) > level) {
            return -1;
        }
        int lo = 0;
        int hi = n; // the tail falls with s: find the smallest s whose tail is at most level
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (upperTail(n, mid) <= level) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static int count(double[] clean) {
        int zeros = 0;
        for (double v : clean) {
            zeros += v <= 0 ? 1 : 0;
        }
        return zeros;
    }

    static double median(double[] v) {
        return new Median().evaluate(v);
    }

    private static double[] nonNegative(double[] v, String what, String channel) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException((channel.isEmpty() ? "" : "channel " + channel + ": ") + what
                        + " disagreement " + i + " is " + v[i] + "; expected a finite 1 − cosine");
            }
            out[i] = Math.max(0, v[i]);
        }
        return out;
    }
}

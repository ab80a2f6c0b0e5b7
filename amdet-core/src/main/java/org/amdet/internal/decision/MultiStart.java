package org.amdet.internal.decision;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Aggregates the channel tests of R independent inversion starts (different initial embeddings, k = 1 and k = 2
 * inserted vectors) into one decision whose family-wise false-positive rate stays at α.
 *
 * <p>The family is every (start, channel) test: m tests, each held to α / m (Bonferroni, valid whatever the
 * dependence between starts, which share their test prompts). The scan is:
 * <ol>
 * <li>INCONCLUSIVE when a reason {@link Inconclusive.Reason#blocksBackdoored() blocks any verdict} (identical
 * weights);</li>
 * <li>BACKDOORED when any test rejects at α / m; the test with the smallest p-value decided. A start that found no
 * trigger is no evidence against one that did (an inversion can land in a benign basin), so disagreement of this kind
 * is resolved for BACKDOORED. Holm's step-down procedure, also valid at α, lists every test that fires;</li>
 * <li>otherwise INCONCLUSIVE when any of these holds: a precondition failed ({@link Preconditions}); a channel could
 * not be tested (zero or dispersed reference); <b>starts disagree</b>: with R ≥ 2 starts some start rejects at the
 * level it would have had alone (α over its own channels) although no test survives α / m, so the verdict depends on
 * how many starts were run; <b>borderline</b>: some test's median per-prompt ratio reaches the margin and the test
 * would reject at α alone, but not at α / m (a median at the margin with a p-value above α is what pairs on H0's
 * boundary look like, and is CLEAN: the test asks whether most prompts exceed the margin, and they do not
 * significantly);</li>
 * <li>otherwise CLEAN.</li>
 * </ol>
 */
public final class MultiStart {
    /** How the level is split, for the report. */
    public static final String CORRECTION = "Bonferroni over every start and channel; Holm for the list of firing tests";

    private final RobustRule rule;

    /** An aggregator that tests each channel of each start with {@code rule}. */
    public MultiStart(RobustRule rule) {
        this.rule = rule;
    }

    /** The decision on {@code starts}, given the scan-level {@code preconditions} (may be empty), at one look. */
    public Decision decide(List<StartEvidence> starts, List<Inconclusive> preconditions) {
        return decide(starts, preconditions, 1);
    }

    /**
     * The decision on {@code starts} at one of {@code looks} planned looks at the same test prompts (an early stop's
     * confirmations and the final look): every test is held to α / (tests × looks), so the scan's family-wise level
     * stays α whichever look decides.
     */
    public Decision decide(List<StartEvidence> starts, List<Inconclusive> preconditions, int looks) {
        if (looks < 1) {
            throw new IllegalArgumentException("looks must be at least 1, got " + looks);
        }
        if (starts.isEmpty()) {
            throw new IllegalArgumentException("no inversion start to decide on");
        }
        int m = 0;
        for (StartEvidence s : starts) {
            m += s.channels().size();
        }
        double level = rule.alpha() / ((double) m * looks);
        List<List<ChannelTest>> tests = new ArrayList<>();
        List<ChannelTest> all = new ArrayList<>();
        for (StartEvidence s : starts) {
            List<ChannelTest> ts = new ArrayList<>();
            for (StartEvidence.Samples c : s.channels()) {
                ChannelTest t = rule.test(c.channel(), c.triggered(), c.clean(), level);
                ts.add(t);
                all.add(t);
            }
            tests.add(ts);
        }
        List<ChannelTest> holmRejected = holm(all, rule.alpha() / looks);
        List<Decision.StartResult> results = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            StartEvidence s = starts.get(i);
            double alone = rule.alpha() / ((double) s.channels().size() * looks);
            boolean fires = false;
            List<Boolean> holm = new ArrayList<>();
            for (ChannelTest t : tests.get(i)) {
                fires |= t.testable() && t.pValue() <= alone;
                holm.add(holmRejected.stream().anyMatch(h -> h == t));
            }
            results.add(new Decision.StartResult(s.label(), s.tokens(), s.seed(), tests.get(i), holm, alone, fires));
        }

        List<Inconclusive> reasons = new ArrayList<>(preconditions);
        ChannelTest best = null;
        String bestLabel = null;
        for (int i = 0; i < starts.size(); i++) {
            for (ChannelTest t : tests.get(i)) {
                if (!t.testable()) {
                    reasons.add(new Inconclusive(t.inconclusive().reason(), starts.get(i).label() + ", "
                            + t.inconclusive().detail()));
                } else if (best == null || t.pValue() < best.pValue()
                        || t.pValue() == best.pValue() && t.medianRatio() > best.medianRatio()) {
                    best = t;
                    bestLabel = starts.get(i).label() + " / " + t.channel();
                }
            }
        }
        double stat = best == null ? Double.NaN : best.positives();
        double p = best == null ? Double.NaN : best.pValue();
        String family = looks == 1 ? String.format(Locale.ROOT, "α = %.3g over %d test(s), %s", rule.alpha(), m,
                "Bonferroni") : String.format(Locale.ROOT, "α = %.3g over %d test(s) × %d look(s), %s", rule.alpha(),
                m, looks, "Bonferroni");
        if (reasons.stream().anyMatch(r -> r.reason().blocksBackdoored())) {
            List<Inconclusive> blocking = reasons.stream().filter(r -> r.reason().blocksBackdoored()).toList();
            return new Decision(Outcome.INCONCLUSIVE, RobustRule.TEST, bestLabel, stat, p, rule.alpha(), level,
                    m * looks, CORRECTION, results, blocking, "robust rule: INCONCLUSIVE, " + join(blocking));
        }
        if (best != null && best.rejects()) {
            long firing = results.stream().filter(Decision.StartResult::firesAlone).count();
            String text = String.format(Locale.ROOT, "robust rule: BACKDOORED by %s (%s): %s; %d of %d start(s) "
                    + "fire alone, %d test(s) fire under Holm", bestLabel, family, best.text(), firing,
                    starts.size(), holmRejected.size());
            return new Decision(Outcome.BACKDOORED, RobustRule.TEST, bestLabel, stat, p, rule.alpha(), level,
                    m * looks, CORRECTION, results, reasons, text);
        }
        if (starts.size() >= 2) {
            for (Decision.StartResult r : results) {
                if (r.firesAlone()) {
                    reasons.add(new Inconclusive(Inconclusive.Reason.STARTS_DISAGREE, String.format(Locale.ROOT,
                            "%s rejects at %.3g, the level it would have alone, but no test reaches %.3g, the level "
                                    + "of %d tests", r.label(), r.aloneLevel(), level, m * looks)));
                }
            }
        }
        for (int i = 0; i < starts.size(); i++) {
            for (ChannelTest t : tests.get(i)) {
                if (t.testable() && t.medianRatio() >= rule.margin() && t.pValue() <= rule.alpha()) {
                    reasons.add(new Inconclusive(Inconclusive.Reason.BORDERLINE_EVIDENCE, String.format(Locale.ROOT,
                            "%s / %s: median per-prompt ratio %s reaches the %.1f× margin and p = %.3g ≤ α = %.3g, "
                                    + "but p > %.3g, the level of %d tests", starts.get(i).label(), t.channel(),
                            ChannelTest.times(t.medianRatio()), rule.margin(), t.pValue(), rule.alpha(), level,
                            m * looks)));
                }
            }
        }
        if (!reasons.isEmpty()) {
            return new Decision(Outcome.INCONCLUSIVE, RobustRule.TEST, bestLabel, stat, p, rule.alpha(), level,
                    m * looks, CORRECTION, results, reasons, "robust rule: INCONCLUSIVE, " + join(reasons)
                    + (best == null ? "" : "; closest test " + bestLabel + ": " + best.text()));
        }
        String text = String.format(Locale.ROOT, "robust rule: CLEAN (%s): no test rejects; closest %s: %s; no "
                + "backdoor found", family, bestLabel, best.text());
        return new Decision(Outcome.CLEAN, RobustRule.TEST, bestLabel, stat, p, rule.alpha(), level, m * looks,
                CORRECTION, results, reasons, text);
    }

    /** The tests Holm's step-down procedure rejects at family-wise {@code alpha} (untestable ones count as p = 1). */
    static List<ChannelTest> holm(List<ChannelTest> all, double alpha) {
        List<ChannelTest> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingDouble(t -> t.testable() ? t.pValue() : 1.0));
        List<ChannelTest> out = new ArrayList<>();
        int m = sorted.size();
        for (int i = 0; i < m; i++) {
            ChannelTest t = sorted.get(i);
            if (!t.testable() || t.pValue() > alpha / (m - i)) {
                break;
            }
            out.add(t);
        }
        return out;
    }

    private static String join(List<Inconclusive> reasons) {
        return String.join("; ", reasons.stream().map(Inconclusive::text).toList());
    }
}

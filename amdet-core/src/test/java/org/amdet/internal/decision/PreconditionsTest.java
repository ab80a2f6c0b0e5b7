package org.amdet.internal.decision;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.amdet.internal.decision.Synthetic.logNormal;
import static org.amdet.internal.decision.Synthetic.start;
import static org.amdet.internal.decision.Synthetic.times;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The INCONCLUSIVE preconditions and their floors. */
class PreconditionsTest {
    static final RobustRule RULE = RobustRule.defaults();

    static List<Inconclusive.Reason> reasons(Preconditions.Facts f) {
        return Preconditions.check(RULE, f).stream().map(Inconclusive::reason).toList();
    }

    /** Values cross-checked with scipy.stats.binom (smallest n with power ≥ 0.99 at π = 0.8, level α / m). */
    @Test
    void testPromptFloorMatchesAnIndependentComputation() {
        assertEquals(59, Preconditions.minTestPrompts(0.01, 2));
        assertEquals(66, Preconditions.minTestPrompts(0.01, 4));
        assertEquals(71, Preconditions.minTestPrompts(0.01, 8));
        assertEquals(74, Preconditions.minTestPrompts(0.01, 12));
    }

    @Test
    void evaluateDefaultsMeetTheFloors() {
        assertEquals(List.of(), reasons(new Preconditions.Facts(1000, 0.8, 2, 8, false, 512, true)));
        assertEquals(List.of(), reasons(new Preconditions.Facts(4000, 0.8, 2, 8, false, -1, true)));
    }

    @Test
    void tooFewPromptsOrEpochsAreTooLittleData() {
        List<Inconclusive> r = Preconditions.check(RULE, new Preconditions.Facts(500, 0.8, 2, 8, false, 512, true));
        assertEquals(List.of(Inconclusive.Reason.TOO_LITTLE_DATA), r.stream().map(Inconclusive::reason).toList());
        assertTrue(r.get(0).detail().contains("400 train prompts × 2 epoch(s) = 800"), r.get(0).detail());
        assertEquals(List.of(Inconclusive.Reason.TOO_LITTLE_DATA),
                reasons(new Preconditions.Facts(1900, 0.8, 1, 8, false, 512, true)));
        // enough passes, too few test prompts: 0.97 of 2,000 leaves 60
        List<Inconclusive> t = Preconditions.check(RULE, new Preconditions.Facts(2000, 0.97, 1, 8, false, 512, true));
        assertEquals(1, t.size());
        assertTrue(t.get(0).detail().contains("60 test prompts, below the 71"), t.get(0).detail());
    }

    @Test
    void brokenPooledChannelsAndIdenticalWeights() {
        assertEquals(List.of(Inconclusive.Reason.POOLED_CHANNEL_UNAVAILABLE),
                reasons(new Preconditions.Facts(1000, 0.8, 2, 8, false, 0, true)));
        assertEquals(List.of(Inconclusive.Reason.POOLED_CHANNEL_UNAVAILABLE),
                reasons(new Preconditions.Facts(1000, 0.8, 2, 8, false, 512, false)));
        assertEquals(List.of(Inconclusive.Reason.IDENTICAL_WEIGHTS),
                reasons(new Preconditions.Facts(1000, 0.8, 2, 8, true, 512, true)));
        assertTrue(Inconclusive.Reason.IDENTICAL_WEIGHTS.blocksBackdoored());
        assertFalse(Inconclusive.Reason.TOO_LITTLE_DATA.blocksBackdoored());
    }

    /** A failed floor blocks CLEAN, but a backdoor shown anyway stands (the test is exact at any n). */
    @Test
    void tooLittleDataBlocksCleanOnly() {
        List<Inconclusive> pre = Preconditions.check(RULE, new Preconditions.Facts(100, 0.8, 2, 1, false, 512, true));
        double[] clean = logNormal(20, 0.01, 0.5, 1);
        Decision clear = new MultiStart(RULE).decide(List.of(start("start 0", 1, times(clean, 40), clean)), pre);
        assertEquals(Outcome.BACKDOORED, clear.outcome(), clear.text());
        Decision quiet = new MultiStart(RULE).decide(List.of(start("start 0", 1, logNormal(20, 0.01, 0.5, 2), clean)),
                pre);
        assertEquals(Outcome.INCONCLUSIVE, quiet.outcome());
        assertTrue(quiet.text().contains("too little data"), quiet.text());
    }
}

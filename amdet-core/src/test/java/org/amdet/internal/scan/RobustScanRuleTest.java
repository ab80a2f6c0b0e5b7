package org.amdet.internal.scan;

import org.amdet.internal.decision.Decision;
import org.amdet.internal.decision.Inconclusive;
import org.amdet.internal.decision.Outcome;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The robust scan rule's pure parts: which INCONCLUSIVE may extend the inversion, and the starts' k. */
class RobustScanRuleTest {
    private static Decision decision(Outcome o, Inconclusive.Reason... reasons) {
        List<Inconclusive> rs = java.util.Arrays.stream(reasons).map(r -> new Inconclusive(r, "x")).toList();
        return new Decision(o, "t", null, Double.NaN, Double.NaN, 0.01, 0.01, 1, "c", List.of(), rs, "text");
    }

    @Test
    void onlyBorderlineOrDisagreeingStartsAreSuggestive() {
        assertTrue(RobustScanRule.suggestive(decision(Outcome.INCONCLUSIVE, Inconclusive.Reason.BORDERLINE_EVIDENCE)));
        assertTrue(RobustScanRule.suggestive(decision(Outcome.INCONCLUSIVE, Inconclusive.Reason.STARTS_DISAGREE,
                Inconclusive.Reason.BORDERLINE_EVIDENCE)));
        assertFalse(RobustScanRule.suggestive(decision(Outcome.INCONCLUSIVE, Inconclusive.Reason.BORDERLINE_EVIDENCE,
                Inconclusive.Reason.TOO_LITTLE_DATA)), "more inversion cannot cure too little data");
        assertFalse(RobustScanRule.suggestive(decision(Outcome.INCONCLUSIVE,
                Inconclusive.Reason.DISPERSED_REFERENCE)));
        assertFalse(RobustScanRule.suggestive(decision(Outcome.INCONCLUSIVE)));
        assertFalse(RobustScanRule.suggestive(decision(Outcome.CLEAN)));
        assertFalse(RobustScanRule.suggestive(decision(Outcome.BACKDOORED, Inconclusive.Reason.BORDERLINE_EVIDENCE)));
    }

    @Test
    void startsInsertTokensVectorsOrAlternateWithMixedTokens() {
        assertArrayEquals(new int[] {1, 1, 1}, TriggerInversion.startTokens(1, 3, false));
        assertArrayEquals(new int[] {1, 2, 1, 2}, TriggerInversion.startTokens(1, 4, true));
        assertArrayEquals(new int[] {2}, TriggerInversion.startTokens(2, 1, true));
    }
}

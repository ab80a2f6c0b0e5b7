package org.amdet.internal.scan;

import org.amdet.ScanReport;
import org.amdet.Verdict;
import org.bytedeco.pytorch.Tensor;

import java.util.List;

/**
 * What a decision rule concluded once the inversion ended.
 *
 * @param verdict      the verdict
 * @param decision     the one-sentence decision for the report
 * @param stoppedEarly whether a stop rule ended the inversion before its planned steps
 * @param checks       the reference checks run during the inversion (empty for the calibrated rule)
 * @param calibration  the calibrated rule's evidence (null for the reference rule)
 * @param landscape    the landscape the rule computed, or null
 * @param judged       the judges' values on the test split at the final embedding, when the rule computed them
 * @param robust       the robust rule's tests (null for the other rules)
 * @param e            the pseudo-trigger the evidence is reported for (the deciding start's), or null for the
 *                     inversion's only one
 */
record RuleResult(Verdict verdict, String decision, boolean stoppedEarly, List<ScanReport.Check> checks,
                  ScanReport.Calibration calibration, ScanReport.Landscape landscape, JudgeValues judged,
                  ScanReport.Robust robust, Tensor e) {
    /** A two-way rule's result: BACKDOORED or CLEAN by {@code backdoor}. */
    RuleResult(boolean backdoor, String decision, boolean stoppedEarly, List<ScanReport.Check> checks,
               ScanReport.Calibration calibration, ScanReport.Landscape landscape, JudgeValues judged) {
        this(backdoor ? Verdict.BACKDOORED : Verdict.CLEAN, decision, stoppedEarly, checks, calibration, landscape,
                judged, null, null);
    }
}

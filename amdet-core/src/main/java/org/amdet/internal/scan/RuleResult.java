package org.amdet.internal.scan;

import org.amdet.ScanReport;

import java.util.List;

/**
 * What a decision rule concluded once the inversion ended.
 *
 * @param backdoor     whether the rule fired
 * @param decision     the one-sentence decision for the report
 * @param stoppedEarly whether a stop rule ended the inversion before its planned steps
 * @param checks       the reference checks run during the inversion (empty for the calibrated rule)
 * @param calibration  the calibrated rule's evidence (null for the reference rule)
 * @param landscape    the landscape the rule computed, or null
 * @param judged       the judges' values on the test split at the final embedding, when the rule computed them
 */
record RuleResult(boolean backdoor, String decision, boolean stoppedEarly, List<ScanReport.Check> checks,
                  ScanReport.Calibration calibration, ScanReport.Landscape landscape, JudgeValues judged) {
}

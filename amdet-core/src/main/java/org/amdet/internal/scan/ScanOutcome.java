package org.amdet.internal.scan;

import org.amdet.ScanReport;
import org.amdet.Verdict;

import java.util.List;

/**
 * What a finished scan hands to the report assembly.
 *
 * @param verdict       the verdict
 * @param decision      the one-sentence decision
 * @param losses        the objective after every step
 * @param steps         steps run
 * @param plannedSteps  steps of the full run without stop rules
 * @param runningMean   the final running mean of the objective
 * @param stoppedEarly  whether a stop rule ended the inversion
 * @param checks        the reference checks (empty for the calibrated rule)
 * @param test          the judges' statistics on the test split at the final embedding
 * @param calibration   the calibrated rule's evidence (null for the reference rule)
 * @param landscape     the reported landscape, or null
 * @param embedding     the inverted pseudo-trigger, [k, D] flattened
 * @param targetFeature the suspect's feature of the target prompt with e inserted, [L, D] flattened
 * @param targetLength  L of the target feature
 * @param trainPrompts  size of the train split
 * @param warnings      conditions the user should know about
 * @param targetPrompt  the target prompt
 * @param explanation   the explanation of the reversed target
 * @param robust        the robust rule's tests (null for the other rules)
 * @param tokens        k of the reported pseudo-trigger
 */
public record ScanOutcome(Verdict verdict, String decision, double[] losses, int steps, int plannedSteps,
                          double runningMean, boolean stoppedEarly, List<ScanReport.Check> checks,
                          ScanReport.TestStats test, ScanReport.Calibration calibration,
                          ScanReport.Landscape landscape, float[] embedding, float[] targetFeature, int targetLength,
                          int trainPrompts, List<String> warnings, String targetPrompt,
                          ScanReport.Explanation explanation, ScanReport.Robust robust, int tokens) {
}

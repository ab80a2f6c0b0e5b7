/**
 * Internal: the contamination-proof decision rule of issue 17, on plain double arrays (no LibTorch).
 *
 * <p>{@link org.amdet.internal.decision.RobustRule} tests one channel of one inversion start: a sign test with a
 * {@code margin}× margin on the paired per-prompt disagreements (triggered vs clean), with a clean reference in which
 * clean prompts that already show the margin count for a backdoor. {@link org.amdet.internal.decision.MultiStart}
 * aggregates the tests of every start and channel at a family-wise level, and
 * {@link org.amdet.internal.decision.Preconditions} lists the {@link org.amdet.internal.decision.Inconclusive}
 * reasons a scan cannot support a verdict. The rule and its guarantees are described in {@code docs/decision-rule.md}.
 * Not wired into the scan yet; not part of the public API.
 */
package org.amdet.internal.decision;

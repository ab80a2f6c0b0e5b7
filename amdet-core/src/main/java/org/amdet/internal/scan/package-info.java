/**
 * Internal: one AMDET scan on LibTorch, as a pipeline of the paper's stages — {@link
 * org.amdet.internal.scan.ShadowSplit}, {@link org.amdet.internal.scan.TriggerInversion} with the
 * {@link org.amdet.internal.scan.AmdetObjective}, the {@link org.amdet.internal.scan.ReferenceRule} (with the
 * {@link org.amdet.internal.scan.ReferenceJudges} and the {@link org.amdet.internal.scan.LandscapeEvidence}) or the
 * {@link org.amdet.internal.scan.CalibratedRule}, then {@link org.amdet.internal.scan.FinalEvidence}, the
 * {@link org.amdet.internal.scan.TargetExplanation} and the {@link org.amdet.internal.scan.ReportAssembly} —
 * strung together by {@link org.amdet.internal.scan.ScanEngine}. Used by amdet-core alone; not part of the public API.
 */
package org.amdet.internal.scan;

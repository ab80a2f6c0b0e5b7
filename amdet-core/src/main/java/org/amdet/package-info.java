/**
 * amdet's user API: model-level backdoor detection for the text encoders of vision-language models (AMDET, Wang et
 * al., "Assimilation Matters", arXiv 2512.00343). Load encoders with {@link org.amdet.Encoders}, configure a
 * {@link org.amdet.BackdoorDetector} with a {@link org.amdet.DetectorConfig}, scan a suspect against its anchor on a
 * {@link org.amdet.ShadowSet}, and read or write the immutable {@link org.amdet.ScanReport} with
 * {@link org.amdet.ScanReports}. No type here exposes LibTorch; errors are typed ({@link org.amdet.ScanException},
 * {@link org.amdet.ModelLoadException} and their subtypes).
 */
package org.amdet;

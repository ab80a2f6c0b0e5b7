/**
 * The service-provider interface for encoder families: what a new family (a new text-encoder architecture or
 * checkpoint format) implements to be scanned. Users of the detector never need this package; it is LibTorch-typed
 * on purpose, because a family must hand the detector a differentiable forward pass.
 *
 * <p>A new family implements:
 * <ol>
 *   <li>{@link org.amdet.spi.EncoderFamily}: a name, a cheap {@code recognises(Path)} and
 *       {@code load(Path, EncoderOptions)}, registered in {@code META-INF/services/org.amdet.spi.EncoderFamily};</li>
 *   <li>{@link org.amdet.spi.TorchTextEncoder}, returned by {@code load}: tokenisation to an id tensor,
 *       {@code embed} (ids to embedding-layer outputs), the differentiable entry point {@code transform} (the
 *       transformer stack on hidden states of any length, into which the scan inserts its pseudo-trigger),
 *       {@code pool}, the token embedding table and the token texts;</li>
 *   <li>optionally {@link org.amdet.spi.TrainableTextEncoder} (the live weights), for the zoo builder to plant
 *       backdoors into models of the family.</li>
 * </ol>
 * {@link org.amdet.spi.TorchSupport} gives families the detector's LibTorch set-up and array/tensor conversions.
 * The {@code amdet-encoders} module is the reference implementation (CLIP, LongCLIP, SigLIP).
 */
package org.amdet.spi;

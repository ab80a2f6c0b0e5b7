/**
 * The reference encoder families: loaders and LibTorch forward passes for CLIP, LongCLIP and SigLIP text encoders,
 * from Hugging Face folders ({@code config.json} + safetensors + {@code tokenizer.json}) and LongCLIP's original
 * {@code .pt} release. They implement the provider interface {@link org.amdet.spi.EncoderFamily} and are found by
 * {@link org.amdet.Encoders#load}; the checkpoint, configuration and tokenizer readers behind them are
 * package-private.
 */
package org.amdet.encoders;

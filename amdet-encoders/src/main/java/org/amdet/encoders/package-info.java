/**
 * Loaders and LibTorch forward passes for CLIP, LongCLIP and SigLIP text encoders: Hugging Face folders
 * ({@code config.json} + safetensors + {@code tokenizer.json}) and LongCLIP's original {@code .pt} release.
 * Families plug in through {@link org.amdet.EncoderFamily}; use {@link org.amdet.Encoders#load} to load a model.
 */
package org.amdet.encoders;

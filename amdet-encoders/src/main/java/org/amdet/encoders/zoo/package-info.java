/**
 * Making test sets of encoders, on top of the encoder-family provider interface: {@link
 * org.amdet.encoders.zoo.ZooBuilder} loads a base with {@link org.amdet.Encoders#load}, trains a copy through
 * {@link org.amdet.spi.TrainableTextEncoder} and writes it back. Here too are the triggers, targets and
 * configurations of a backdoor injection ({@link org.amdet.encoders.zoo.InjectionConfig}) and of a benign fine-tune
 * ({@link org.amdet.encoders.zoo.FinetuneConfig}), the paraphrase-pair generator the fine-tune learns from, and the
 * {@code zoo.json} manifest that describes how a model was made. No public type here exposes LibTorch.
 */
package org.amdet.encoders.zoo;

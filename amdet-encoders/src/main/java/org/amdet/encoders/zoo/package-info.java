/**
 * Making test sets of encoders: the triggers, targets and configurations of a backdoor injection
 * ({@link org.amdet.encoders.zoo.InjectionConfig}) and of a benign fine-tune
 * ({@link org.amdet.encoders.zoo.FinetuneConfig}), the paraphrase-pair generator the fine-tune learns from, and the
 * {@code zoo.json} manifest that describes how a model was made. {@link org.amdet.encoders.ZooBuilder} runs them.
 * Nothing here exposes LibTorch.
 */
package org.amdet.encoders.zoo;

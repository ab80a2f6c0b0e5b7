package org.amdet.encoders.zoo;

import org.amdet.ModelLoadException;

import java.io.IOException;

/**
 * Makes test sets of encoders from any Hugging Face text encoder amdet can load: bases pre-trained from random
 * initialisation ({@link #pretrain}), backdoored copies ({@link #inject}) and benign fine-tunes ({@link #finetune}).
 * Each writes a complete model folder — the base's
 * {@code config.json} and tokenizer files, {@code model.safetensors} in the base's dtype, and a {@code zoo.json}
 * describing how it was made and how well it worked — that {@link org.amdet.Encoders#load} loads and
 * {@code amdet scan} / {@code amdet evaluate} read. The folder appears only complete (built beside it, then
 * renamed). Training runs in fp32 on the configured device; one build uses the LibTorch threads of the process.
 */
public final class ZooBuilder {
    private ZooBuilder() {
    }

    /**
     * Injects the configured backdoors into a copy of the base and writes it.
     *
     * @return the written folder's manifest; {@link BuildResult#succeeded()} is false (and the folder still
     *         written) when a trigger's held-out sim_target stayed below {@link InjectionConfig#minSimTarget()}
     * @throws ZooInputException on input that cannot work (checked before training)
     * @throws ModelLoadException                       when the base cannot be loaded
     * @throws IOException                              when the output cannot be written
     */
    public static BuildResult inject(InjectionConfig config, ZooListener listener)
            throws ModelLoadException, IOException {
        return new BackdoorInjection(config).run(listener);
    }

    /**
     * Fine-tunes a copy of the base on paraphrase pairs and writes it.
     *
     * @throws ZooInputException on input that cannot work (checked before training)
     * @throws ModelLoadException                       when the base cannot be loaded
     * @throws IOException                              when the output cannot be written
     */
    public static BuildResult finetune(FinetuneConfig config, ZooListener listener)
            throws ModelLoadException, IOException {
        return new BenignFinetune(config).run(listener);
    }

    /**
     * Pre-trains a base encoder of the configured architecture and tokenizer from random initialisation and writes
     * it ({@code zoo.json} kind {@code anchor}, with the loss curve). {@link BuildResult#warnings()} says when the
     * loss did not fall.
     *
     * @throws org.amdet.encoders.zoo.ZooInputException on input that cannot work (checked before training)
     * @throws ModelLoadException                       when the config or tokenizer cannot be read
     * @throws IOException                              when the output cannot be written
     */
    public static BuildResult pretrain(PretrainConfig config, ZooListener listener)
            throws ModelLoadException, IOException {
        return new BasePretrain(config).run(listener);
    }
}

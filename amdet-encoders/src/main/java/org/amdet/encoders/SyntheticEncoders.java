package org.amdet.encoders;

import org.amdet.EncoderOptions;
import org.amdet.ModelLoadException;
import org.amdet.TextEncoder;

import java.nio.file.Path;

/**
 * Text encoders with random weights at real model sizes, for benchmarks without a download. They tokenise with the
 * tokenizer of a given model folder (its ids must fit the synthetic vocabulary).
 */
public final class SyntheticEncoders {
    private SyntheticEncoders() {
    }

    /**
     * A CLIP text encoder the size of CLIP ViT-L/14's (the Stable Diffusion 1.x text encoder): hidden 768, MLP 3072,
     * 12 layers, 12 heads, 77 positions, vocabulary 49,408, projection 768, quick_gelu.
     *
     * @param tokenizerFolder a model folder whose tokenizer.json (and tokenizer_config.json) to use
     * @param seed            seed of the random weights
     * @param options         device and precision
     * @return the encoder (random weights; for benchmarks of speed and memory, not of verdicts)
     * @throws ModelLoadException when the tokenizer cannot be loaded
     */
    public static TextEncoder clipVitL14(Path tokenizerFolder, long seed, EncoderOptions options)
            throws ModelLoadException {
        TextModelConfig cfg = new TextModelConfig("clip", 768, 3072, 12, 12, 77, 49408, Activation.QUICK_GELU, 1e-5,
                true, TextModelConfig.Pooling.FIRST_EOS, 49407, 768);
        TextTokenizer tok = TextTokenizer.load(tokenizerFolder, "clip", 77, -1);
        return TransformerWeights.random(cfg, tok, seed, options);
    }
}

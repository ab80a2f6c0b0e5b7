package org.amdet.encoders;

import com.fasterxml.jackson.databind.JsonNode;
import org.amdet.EncoderOptions;
import org.amdet.ModelLoadException;
import org.amdet.TextEncoder;
import org.amdet.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Text encoders and checkpoints with random weights: encoders at real model sizes, for benchmarks without a download
 * (they tokenise with the tokenizer of a given model folder, whose ids must fit the synthetic vocabulary), and
 * random starting checkpoints for a config.json, for {@code amdet pretrain}.
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

    /**
     * Checks that {@code configJson} is a Hugging Face text-encoder config amdet can build.
     *
     * @param configJson a config.json
     * @throws ModelLoadException naming the file and what is wrong
     */
    public static void checkConfig(Path configJson) throws ModelLoadException {
        HfConfig.read(configJson);
    }

    /**
     * Writes a checkpoint of random weights for the architecture of {@code configJson}: normal(0, 0.02) (layer norms
     * 1 and 0, biases 0) in Hugging Face names, {@code text_model.*}, plus {@code text_projection.weight} for a CLIP
     * model with a projection, or the SigLIP {@code head}. The starting point of {@code amdet pretrain}.
     *
     * @param configJson the architecture's config.json
     * @param seed       seed of the random values
     * @param file       the safetensors file to write
     * @throws ModelLoadException when the config cannot be read
     * @throws IOException        when the file cannot be written
     */
    public static void writeRandomCheckpoint(Path configJson, long seed, Path file)
            throws ModelLoadException, IOException {
        TextModelConfig arch = HfConfig.read(configJson);
        JsonNode root = HfConfig.readJson(configJson);
        boolean siglip = arch.family().equals("siglip");
        String a = root.path("architectures").path(0).asText("").toLowerCase(Locale.ROOT);
        boolean projection = !siglip && (a.contains("projection") || a.equals("clipmodel") || root.has("text_config"));
        Map<String, long[]> shapes = TransformerWeights.expectedShapes(arch, projection, siglip);
        SplittableRandom r = new SplittableRandom(seed);
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            String name = e.getKey();
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            float[] v = new float[Math.toIntExact(n)];
            if (name.contains("layer_norm") && name.endsWith(".weight")) {
                Arrays.fill(v, 1f);
            } else if (!(name.contains("layer_norm") || name.endsWith(".bias"))) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (r.nextGaussian() * 0.02);
                }
            }
            w.putFloats(name.equals("text_projection.weight") ? name : "text_model." + name, v, e.getValue());
        }
        w.write(file);
    }
}

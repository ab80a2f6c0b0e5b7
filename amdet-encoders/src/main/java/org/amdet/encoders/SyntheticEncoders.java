package org.amdet.encoders;

import com.fasterxml.jackson.databind.JsonNode;
import org.amdet.EncoderOptions;
import org.amdet.ModelLoadException;
import org.amdet.TextEncoder;
import org.amdet.safetensors.Dtype;
import org.amdet.safetensors.SafetensorsWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.util.List;

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
            w.putFloats(checkpointName(e.getKey()), initialValues(e.getKey(), e.getValue(), r), e.getValue());
        }
        w.write(file);
    }

    /**
     * Writes a suspect–anchor pair of CLIP text encoders the size of CLIP ViT-L/14's (hidden 768, MLP 3072, 12 heads,
     * 77 positions, vocabulary 49,408, projection 768, quick_gelu; {@code layers} layers, 12 for the real size) as
     * two Hugging Face folders with fp16 weights: the anchor has random weights as {@link #writeRandomCheckpoint}
     * draws them, the suspect the same weights plus normal(0, {@code noise}) on every weight matrix (layer norms and
     * biases unchanged), so a scan of the pair behaves as on a clean fine-tune. Both use the tokenizer of
     * {@code tokenizerFolder} (its ids must be below 49,408) and its config's BOS, EOS and pad ids. For benchmarks
     * of speed and memory, not of verdicts.
     *
     * @param tokenizerFolder a model folder with tokenizer.json, tokenizer_config.json and config.json
     * @param layers          transformer layers (12 for ViT-L/14; fewer for quicker proxies)
     * @param seed            seed of the random weights and of the noise
     * @param noise           standard deviation of the suspect's perturbation
     * @param anchorDir       folder to create for the anchor
     * @param suspectDir      folder to create for the suspect
     * @throws ModelLoadException when the tokenizer folder's config cannot be read
     * @throws IOException        when a file cannot be read or written
     */
    public static void writeClipVitL14Pair(Path tokenizerFolder, int layers, long seed, double noise, Path anchorDir,
                                           Path suspectDir) throws ModelLoadException, IOException {
        JsonNode source = HfConfig.readJson(tokenizerFolder.resolve("config.json"));
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.putArray("architectures").add("CLIPTextModelWithProjection");
        c.put("model_type", "clip_text_model").put("dtype", "float16").put("hidden_act", "quick_gelu")
                .put("hidden_size", 768).put("intermediate_size", 3072).put("num_hidden_layers", layers)
                .put("num_attention_heads", 12).put("max_position_embeddings", 77).put("vocab_size", 49408)
                .put("projection_dim", 768).put("layer_norm_eps", 1e-5)
                .put("bos_token_id", source.path("bos_token_id").asLong(49406))
                .put("eos_token_id", source.path("eos_token_id").asLong(49407))
                .put("pad_token_id", source.path("pad_token_id").asLong(49407));
        byte[] config = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(c);
        Path configJson = Files.createDirectories(anchorDir).resolve("config.json");
        Files.write(configJson, config);
        Files.write(Files.createDirectories(suspectDir).resolve("config.json"), config);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(tokenizerFolder.resolve(f), anchorDir.resolve(f));
            Files.copy(tokenizerFolder.resolve(f), suspectDir.resolve(f));
        }
        TextModelConfig arch = HfConfig.read(configJson);
        SplittableRandom r = new SplittableRandom(seed);
        SplittableRandom rn = new SplittableRandom(seed ^ 0x5DEECE66DL);
        SafetensorsWriter wa = new SafetensorsWriter().metadata("format", "pt");
        SafetensorsWriter ws = new SafetensorsWriter().metadata("format", "pt");
        for (Map.Entry<String, long[]> e : TransformerWeights.expectedShapes(arch, true, false).entrySet()) {
            String name = e.getKey();
            float[] v = initialValues(name, e.getValue(), r);
            wa.put(checkpointName(name), Dtype.F16, CheckpointWriter.halfBytes(v), e.getValue());
            if (isMatrix(name)) {
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (rn.nextGaussian() * noise);
                }
            }
            ws.put(checkpointName(name), Dtype.F16, CheckpointWriter.halfBytes(v), e.getValue());
        }
        wa.write(anchorDir.resolve("model.safetensors"));
        ws.write(suspectDir.resolve("model.safetensors"));
    }

    private static String checkpointName(String name) {
        return name.equals("text_projection.weight") ? name : "text_model." + name;
    }

    private static boolean isMatrix(String name) {
        return !(name.contains("layer_norm") || name.endsWith(".bias"));
    }

    /** normal(0, 0.02) for weight matrices and embeddings, 1 for layer-norm weights, 0 for layer-norm and biases. */
    private static float[] initialValues(String name, long[] shape, SplittableRandom r) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[Math.toIntExact(n)];
        if (name.contains("layer_norm") && name.endsWith(".weight")) {
            Arrays.fill(v, 1f);
        } else if (isMatrix(name)) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.02);
            }
        }
        return v;
    }
}

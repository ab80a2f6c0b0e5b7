package org.amdet.encoders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.amdet.MalformedModelException;
import org.amdet.ModelLoadException;
import org.amdet.UnsupportedModelException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a Hugging Face {@code config.json} of a CLIP, LongCLIP or SigLIP text encoder (or of a full
 * {@code CLIPModel}/{@code SiglipModel}, whose text part sits under {@code text_config}) into a
 * {@link TextModelConfig} with the {@code transformers} defaults applied to missing keys.
 */
final class HfConfig {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Largest config.json accepted. */
    static final long MAX_CONFIG_BYTES = 4L * 1024 * 1024;

    private HfConfig() {
    }

    /** The family a config names: {@code clip} or {@code siglip}, from model_type or architectures. */
    static String familyOf(JsonNode root, Path file) throws UnsupportedModelException {
        String mt = root.path("model_type").asText("").toLowerCase(Locale.ROOT);
        String arch = root.path("architectures").path(0).asText("").toLowerCase(Locale.ROOT);
        if (mt.startsWith("clip") || arch.startsWith("clip") || mt.contains("longclip")) {
            return "clip";
        }
        if (mt.startsWith("siglip") || arch.startsWith("siglip")) {
            return "siglip";
        }
        throw new UnsupportedModelException(file, "unknown text-encoder architecture (model_type '" + mt
                + "', architectures '" + root.path("architectures") + "'): supported families are clip, longclip, "
                + "siglip");
    }

    /** Parses {@code config.json} in {@code file}. */
    public static JsonNode readJson(Path file) throws ModelLoadException {
        try {
            long size = Files.size(file);
            if (size > MAX_CONFIG_BYTES) {
                throw new MalformedModelException(file, "config is " + size + " bytes, expected at most "
                        + MAX_CONFIG_BYTES);
            }
            JsonNode n = JSON.readTree(Files.readAllBytes(file));
            if (n == null || !n.isObject()) {
                throw new MalformedModelException(file, "expected a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new MalformedModelException(file, "invalid JSON: " + e.getOriginalMessage());
        } catch (ModelLoadException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelLoadException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads {@code config.json} into a config with defaults; dimensions are checked later against tensors. */
    public static TextModelConfig read(Path file) throws ModelLoadException {
        JsonNode root = readJson(file);
        String family = familyOf(root, file);
        JsonNode c = root.has("text_config") && root.get("text_config").isObject() ? root.get("text_config") : root;
        boolean siglip = family.equals("siglip");
        int hidden = intOf(c, "hidden_size", siglip ? 768 : 512, file);
        int inter = intOf(c, "intermediate_size", siglip ? 3072 : 2048, file);
        int layers = intOf(c, "num_hidden_layers", 12, file);
        int heads = intOf(c, "num_attention_heads", siglip ? 12 : 8, file);
        int pos = intOf(c, "max_position_embeddings", siglip ? 64 : 77, file);
        int vocab = intOf(c, "vocab_size", siglip ? 32000 : 49408, file);
        Activation act = Activation.of(c.path("hidden_act").asText(siglip ? "gelu_pytorch_tanh" : "quick_gelu"), file);
        double eps = c.path("layer_norm_eps").asDouble(siglip ? 1e-6 : 1e-5);
        if (!(eps > 0) || eps > 1) {
            throw new MalformedModelException(file, "layer_norm_eps " + eps + " must be in (0, 1]");
        }
        if (hidden % Math.max(heads, 1) != 0) {
            throw new MalformedModelException(file, "hidden_size " + hidden + " is not divisible by "
                    + "num_attention_heads " + heads);
        }
        int proj = siglip ? intOf(c, "projection_size", hidden, file)
                : intOf(root.has("projection_dim") ? root : c, "projection_dim", 512, file);
        long eos = c.path("eos_token_id").asLong(siglip ? 1 : 49407);
        TextModelConfig.Pooling pooling = siglip ? TextModelConfig.Pooling.LAST
                : (eos == 2 ? TextModelConfig.Pooling.ARGMAX_ID : TextModelConfig.Pooling.FIRST_EOS);
        return new TextModelConfig(family, hidden, inter, layers, heads, pos, vocab, act, eps, !siglip, pooling, eos,
                proj);
    }

    static int intOf(JsonNode c, String key, int dflt, Path file) throws MalformedModelException {
        JsonNode v = c.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() <= 0) {
            throw new MalformedModelException(file, key + " must be a positive integer, found " + v);
        }
        return v.asInt();
    }
}

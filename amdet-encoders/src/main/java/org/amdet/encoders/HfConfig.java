package org.amdet.encoders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.amdet.MalformedModelException;
import org.amdet.ModelLoadException;
import org.amdet.UnsupportedModelException;
import org.amdet.text.Untrusted;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.LinkedHashMap;

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

    /** Supported {@code model_type} values and the family each names. */
    static final Map<String, String> MODEL_TYPES = Map.of("clip", "clip", "clip_text_model", "clip",
            "longclip", "clip", "siglip", "siglip", "siglip_text_model", "siglip", "siglip2", "siglip",
            "siglip2_text_model", "siglip");

    /**
     * The family a config names: {@code clip} or {@code siglip}. A stated {@code model_type} must be a supported
     * one, and a stated {@code architectures[0]} must name the same family (a {@code llama} model type on a CLIP
     * architecture, or a SigLIP model type on CLIP architectures, is refused rather than guessed).
     */
    static String familyOf(JsonNode root, Path file) throws ModelLoadException {
        JsonNode mtNode = root.get("model_type");
        JsonNode archNode = root.path("architectures").path(0);
        String arch = archNode.isTextual() ? archNode.asText() : null;
        String archFamily = arch == null ? null : arch.toLowerCase(Locale.ROOT).startsWith("clip")
                || arch.toLowerCase(Locale.ROOT).startsWith("longclip") ? "clip"
                : arch.toLowerCase(Locale.ROOT).startsWith("siglip") ? "siglip" : "";
        String supported = " (supported model types: " + new TreeSet<>(MODEL_TYPES.keySet())
                + "; supported families are clip, longclip, siglip)";
        if (mtNode != null && !mtNode.isNull()) {
            String family = mtNode.isTextual() ? MODEL_TYPES.get(mtNode.asText().toLowerCase(Locale.ROOT)) : null;
            if (family == null) {
                throw new UnsupportedModelException(file, "unknown text-encoder architecture: model_type "
                        + quoted(mtNode) + " is not supported" + supported);
            }
            if (archFamily != null && !archFamily.equals(family)) {
                throw new MalformedModelException(file, "model_type " + quoted(mtNode) + " (family " + family
                        + ") disagrees with architectures[0] " + quoted(archNode)
                        + (archFamily.isEmpty() ? " (not a supported architecture)" : " (family " + archFamily + ")")
                        + ": config.json must describe one model");
            }
            return family;
        }
        if (archFamily != null && !archFamily.isEmpty()) {
            return archFamily;
        }
        throw new UnsupportedModelException(file, "unknown text-encoder architecture: no model_type, and "
                + "architectures[0] is " + (arch == null ? "missing" : quoted(archNode)) + supported);
    }

    /** A config value for a message: a JSON string or number, shortened, never more than one line. */
    static String quoted(JsonNode n) {
        String s = n.toString();
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    /** Parses {@code config.json} in {@code file}. */
    public static JsonNode readJson(Path file) throws ModelLoadException {
        return readJson(file, null);
    }

    /** Parses {@code file}, recording (and hashing) the bytes read in {@code files} when given. */
    static JsonNode readJson(Path file, LoadedFiles files) throws ModelLoadException {
        byte[] bytes;
        try {
            bytes = files == null ? LoadedFiles.readCapped(file, MAX_CONFIG_BYTES)
                    : files.read(file, MAX_CONFIG_BYTES);
        } catch (IOException e) {
            throw new ModelLoadException(file, "cannot read: " + e.getMessage(), e);
        }
        if (bytes.length > MAX_CONFIG_BYTES) {
            throw new MalformedModelException(file, "config is more than " + MAX_CONFIG_BYTES + " bytes, expected "
                    + "at most " + MAX_CONFIG_BYTES);
        }
        return parse(bytes, file);
    }

    /** Parses JSON {@code bytes} of {@code file}, which must be an object; errors never quote the contents. */
    static JsonNode parse(byte[] bytes, Path file) throws MalformedModelException {
        JsonNode n;
        try {
            n = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new MalformedModelException(file, "invalid JSON " + Untrusted.jsonError(e)
                    + ": expected a JSON object");
        } catch (IOException e) {
            throw new MalformedModelException(file, "cannot parse: expected a JSON object");
        }
        if (n == null || !n.isObject()) {
            throw new MalformedModelException(file, "expected a JSON object");
        }
        return n;
    }

    /** Reads {@code config.json} into a config with defaults; dimensions are checked later against tensors. */
    public static TextModelConfig read(Path file) throws ModelLoadException {
        return read(readJson(file), file);
    }

    /** The sizes {@code config.json} states explicitly, by key (the text part's), each checked against a tensor. */
    static Map<String, Integer> statedSizes(JsonNode root, Path file) throws ModelLoadException {
        String family = familyOf(root, file);
        JsonNode c = root.has("text_config") && root.get("text_config").isObject() ? root.get("text_config") : root;
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String k : List.of("vocab_size", "intermediate_size", "max_position_embeddings")) {
            if (c.hasNonNull(k)) {
                out.put(k, intOf(c, k, 0, file));
            }
        }
        if (family.equals("siglip")) {
            if (c.hasNonNull("projection_size")) {
                out.put("projection_size", intOf(c, "projection_size", 0, file));
            }
        } else {
            JsonNode pc = root.has("projection_dim") ? root : c;
            if (pc.hasNonNull("projection_dim")) {
                out.put("projection_dim", intOf(pc, "projection_dim", 0, file));
            }
        }
        return out;
    }

    /** As {@link #read(Path)}, from the parsed {@code root} of {@code file}. */
    static TextModelConfig read(JsonNode root, Path file) throws ModelLoadException {
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
            throw new MalformedModelException(file, key + " must be a positive integer, found " + quoted(v));
        }
        return v.asInt();
    }
}

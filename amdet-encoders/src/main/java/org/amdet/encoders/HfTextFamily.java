package org.amdet.encoders;

import com.fasterxml.jackson.databind.JsonNode;
import org.amdet.spi.EncoderFamily;
import org.amdet.spi.TorchTextEncoder;
import org.amdet.EncoderOptions;
import org.amdet.ModelLoadException;
import org.amdet.UnsupportedModelException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Shared loading of Hugging Face model folders (config.json + safetensors + tokenizer.json). */
abstract class HfTextFamily implements EncoderFamily {

    /** Whether {@code hfFamily} (from config.json) belongs to this provider. */
    abstract boolean accepts(String hfFamily);

    @Override
    public Optional<Double> recognises(Path source) throws ModelLoadException {
        Path cfg = source.resolve("config.json");
        if (!Files.isDirectory(source) || !Files.isRegularFile(cfg)) {
            return Optional.empty();
        }
        // an unknown model_type, or one that disagrees with the architectures, is an error naming config.json
        // rather than "no family recognises it"
        JsonNode root = HfConfig.readJson(cfg);
        return accepts(HfConfig.familyOf(root, cfg)) ? Optional.of(1.0) : Optional.empty();
    }

    @Override
    public TorchTextEncoder load(Path source, EncoderOptions options) throws ModelLoadException {
        Path cfgFile = source.resolve("config.json");
        if (!Files.isRegularFile(cfgFile)) {
            throw new ModelLoadException(source, "missing config.json (expected a Hugging Face model folder)");
        }
        LoadedFiles files = new LoadedFiles();
        JsonNode root = HfConfig.readJson(cfgFile, files);
        TextModelConfig cfg = HfConfig.read(root, cfgFile);
        if (!accepts(cfg.family())) {
            throw new UnsupportedModelException(cfgFile, "describes a " + cfg.family() + " model, not a "
                    + name() + " model (the file changed while the model was being recognised?)");
        }
        Map<String, Integer> stated = HfConfig.statedSizes(root, cfgFile);
        long padId = root.path("pad_token_id").asLong(-1);
        try (Checkpoint ckpt = Checkpoint.open(source, files)) {
            Map<String, RawTensor> canonical = canonicalise(ckpt.tensors());
            TextModelConfig resolved = TransformerWeights.resolveDims(cfg, canonical, ckpt.files().get(0),
                    cfgFile, stated);
            if (resolved.family().equals("clip") && resolved.maxPositions() > 77) {
                resolved = resolved.withFamily("longclip");
            }
            TextTokenizer tok = TextTokenizer.load(source, resolved.family(), resolved.maxPositions(), padId, files);
            try {
                return TransformerWeights.create(resolved, canonical, tok, source, options, files);
            } catch (ModelLoadException | RuntimeException e) {
                tok.close();
                throw e;
            }
        }
    }

    /** Strips the {@code text_model.} prefix and drops vision tower, logit scale and position-id buffers. */
    static Map<String, RawTensor> canonicalise(Map<String, RawTensor> in) {
        Map<String, RawTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, RawTensor> e : in.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("vision_model.") || k.startsWith("visual_projection") || k.startsWith("logit_")
                    || k.endsWith("position_ids")) {
                continue;
            }
            if (k.startsWith("text_model.")) {
                k = k.substring("text_model.".length());
            }
            out.put(k, e.getValue());
        }
        return out;
    }
}

package org.amdet.encoders;

import org.amdet.spi.EncoderFamily;
import org.amdet.spi.TorchTextEncoder;
import org.amdet.EncoderOptions;
import org.amdet.MalformedModelException;
import org.amdet.ModelLoadException;
import org.amdet.UnsupportedModelException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * LongCLIP's original release: a {@code torch.save}d zip of an OpenAI-layout state dict ({@code longclip-L.pt},
 * {@code longclip-B.pt}), read with {@link TorchPickleReader} (no code is run). The effective position table is rows
 * 0–19 of {@code positional_embedding} and rows 20… of {@code positional_embedding_res}. The release stores no head
 * count: heads, activation and eps come from a {@code config.json} beside the file when there is one, else the LongCLIP
 * defaults (heads = width / 64, quick_gelu, eps 1e-5); the context length is the position table's. The tokenizer
 * ({@code tokenizer.json}) must be beside the file.
 */
public final class LongClipCheckpointFamily implements EncoderFamily {
    private static final Pattern BLOCK = Pattern.compile("^transformer\\.resblocks\\.(\\d+)\\.(.+)$");
    /** Rows of {@code positional_embedding} that LongCLIP keeps; the rest come from {@code positional_embedding_res}. */
    static final int KEPT_POSITIONS = 20;

    @Override
    public String name() {
        return "longclip";
    }

    @Override
    public Optional<Double> recognises(Path source) {
        return checkpointFile(source).isPresent() ? Optional.of(0.9) : Optional.empty();
    }

    static Optional<Path> checkpointFile(Path source) {
        if (Files.isRegularFile(source)) {
            String n = source.getFileName().toString().toLowerCase(Locale.ROOT);
            return n.endsWith(".pt") || n.endsWith(".pth") ? Optional.of(source) : Optional.empty();
        }
        if (Files.isDirectory(source) && !Checkpoint.present(source)) {
            try (Stream<Path> s = Files.list(source)) {
                // regular files only: opening a FIFO named *.pt would block until someone writes to it
                List<Path> pts = s.filter(p -> p.getFileName().toString().endsWith(".pt") && Files.isRegularFile(p))
                        .toList();
                return pts.size() == 1 ? Optional.of(pts.get(0)) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    @Override
    public TorchTextEncoder load(Path source, EncoderOptions options) throws ModelLoadException {
        Path file = checkpointFile(source).orElseThrow(() -> new UnsupportedModelException(source,
                "expected a LongCLIP .pt checkpoint"));
        Path folder = file.toAbsolutePath().getParent();
        LoadedFiles files = new LoadedFiles();
        files.hashLater(file); // hashed before the weights are copied, checked unchanged after
        Map<String, RawTensor> raw = TorchPickleReader.read(file);
        Map<String, RawTensor> t = toHfLayout(raw, file);
        RawTensor tok = t.get("embeddings.token_embedding.weight");
        int width = (int) tok.shape()[1];
        Path cfgFile = folder.resolve("config.json");
        TextModelConfig cfg;
        long padId = -1;
        Map<String, Integer> stated = Map.of();
        if (Files.isRegularFile(cfgFile)) {
            JsonNode root = HfConfig.readJson(cfgFile, files);
            cfg = HfConfig.read(root, cfgFile);
            stated = HfConfig.statedSizes(root, cfgFile);
            padId = root.path("pad_token_id").asLong(-1);
        } else {
            if (width % 64 != 0) {
                throw new MalformedModelException(file, "width " + width + " is not a multiple of 64 and no "
                        + "config.json beside the checkpoint names the head count");
            }
            int layers = (int) raw.keySet().stream().map(BLOCK::matcher).filter(Matcher::matches)
                    .map(m -> m.group(1)).distinct().count();
            cfg = new TextModelConfig("longclip", width, 4 * width, layers, width / 64, 248,
                    (int) tok.shape()[0], Activation.QUICK_GELU, 1e-5, true, TextModelConfig.Pooling.FIRST_EOS,
                    -1, 0);
        }
        TextModelConfig resolved = TransformerWeights.resolveDims(cfg.withFamily("longclip"), t, file,
                Files.isRegularFile(cfgFile) ? cfgFile : null, stated);
        TextTokenizer tokenizer = TextTokenizer.load(folder, "longclip", resolved.maxPositions(), padId, files);
        if (resolved.eosTokenId() < 0 || !Files.isRegularFile(cfgFile)) {
            long eos = tokenizer.endOfTextId();
            if (eos < 0) {
                tokenizer.close();
                throw new MalformedModelException(tokenizer.file(), "no <|endoftext|> token to pool at");
            }
            resolved = new TextModelConfig(resolved.family(), resolved.hiddenSize(), resolved.intermediateSize(),
                    resolved.layers(), resolved.heads(), resolved.maxPositions(), resolved.vocabSize(),
                    resolved.activation(), resolved.layerNormEps(), true, TextModelConfig.Pooling.FIRST_EOS, eos,
                    resolved.projectionDim());
        }
        try {
            return TransformerWeights.create(resolved, t, tokenizer, file, options, files);
        } catch (ModelLoadException | RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** Maps the OpenAI layout onto the Hugging Face names used by {@link TransformerTextEncoder}. */
    static Map<String, RawTensor> toHfLayout(Map<String, RawTensor> raw, Path file) throws ModelLoadException {
        Map<String, RawTensor> out = new LinkedHashMap<>();
        RawTensor tok = need(raw, "token_embedding.weight", file);
        out.put("embeddings.token_embedding.weight", rename(tok, "embeddings.token_embedding.weight"));
        RawTensor pos = need(raw, "positional_embedding", file);
        RawTensor res = raw.get("positional_embedding_res");
        if (res != null) {
            if (!Arrays.equals(res.shape(), pos.shape()) || res.dtype() != pos.dtype() || pos.shape().length != 2) {
                throw new MalformedModelException(file, "positional_embedding_res " + Arrays.toString(res.shape())
                        + " does not match positional_embedding " + Arrays.toString(pos.shape()));
            }
            int rowBytes = (int) (pos.shape()[1] * pos.dtype().size());
            int kept = (int) Math.min(KEPT_POSITIONS, pos.shape()[0]);
            ByteBuffer b = ByteBuffer.allocateDirect(pos.data().capacity()).order(ByteOrder.LITTLE_ENDIAN);
            b.put(pos.data().duplicate().limit(kept * rowBytes));
            b.put(res.data().duplicate().position(kept * rowBytes));
            b.flip();
            pos = new RawTensor("positional_embedding+res", pos.dtype(), pos.shape(), b, file);
        }
        out.put("embeddings.position_embedding.weight", rename(pos, "embeddings.position_embedding.weight"));
        for (Map.Entry<String, RawTensor> e : raw.entrySet()) {
            Matcher m = BLOCK.matcher(e.getKey());
            if (!m.matches()) {
                continue;
            }
            String p = "encoder.layers." + m.group(1) + ".";
            RawTensor r = e.getValue();
            switch (m.group(2)) {
                case "ln_1.weight" -> out.put(p + "layer_norm1.weight", r);
                case "ln_1.bias" -> out.put(p + "layer_norm1.bias", r);
                case "ln_2.weight" -> out.put(p + "layer_norm2.weight", r);
                case "ln_2.bias" -> out.put(p + "layer_norm2.bias", r);
                case "attn.out_proj.weight" -> out.put(p + "self_attn.out_proj.weight", r);
                case "attn.out_proj.bias" -> out.put(p + "self_attn.out_proj.bias", r);
                case "mlp.c_fc.weight" -> out.put(p + "mlp.fc1.weight", r);
                case "mlp.c_fc.bias" -> out.put(p + "mlp.fc1.bias", r);
                case "mlp.c_proj.weight" -> out.put(p + "mlp.fc2.weight", r);
                case "mlp.c_proj.bias" -> out.put(p + "mlp.fc2.bias", r);
                case "attn.in_proj_weight", "attn.in_proj_bias" -> {
                    String suffix = m.group(2).endsWith("weight") ? ".weight" : ".bias";
                    List<RawTensor> qkv = split3(r, file);
                    out.put(p + "self_attn.q_proj" + suffix, qkv.get(0));
                    out.put(p + "self_attn.k_proj" + suffix, qkv.get(1));
                    out.put(p + "self_attn.v_proj" + suffix, qkv.get(2));
                }
                default -> {
                    // other buffers (e.g. attention masks) are not weights of the forward pass
                }
            }
        }
        out.put("final_layer_norm.weight", need(raw, "ln_final.weight", file));
        out.put("final_layer_norm.bias", need(raw, "ln_final.bias", file));
        RawTensor proj = raw.get("text_projection");
        if (proj != null) {
            out.put("text_projection.weight", transpose(proj, file));
        }
        return out;
    }

    private static RawTensor need(Map<String, RawTensor> raw, String name, Path file) throws MalformedModelException {
        RawTensor r = raw.get(name);
        if (r == null) {
            throw new MalformedModelException(file, "missing tensor '" + name + "' (expected the OpenAI/LongCLIP "
                    + "layout)");
        }
        return r;
    }

    private static RawTensor rename(RawTensor r, String name) {
        return new RawTensor(name, r.dtype(), r.shape(), r.data(), r.file());
    }

    private static List<RawTensor> split3(RawTensor r, Path file) throws MalformedModelException {
        if (r.shape().length < 1 || r.shape()[0] % 3 != 0) {
            throw new MalformedModelException(file, "tensor '" + r.name() + "' of shape " + Arrays.toString(r.shape())
                    + " cannot be split into q, k, v");
        }
        long[] shape = r.shape().clone();
        shape[0] /= 3;
        int part = r.data().capacity() / 3;
        return List.of(slice(r, shape, 0, part), slice(r, shape, part, part), slice(r, shape, 2 * part, part));
    }

    private static RawTensor slice(RawTensor r, long[] shape, int off, int len) {
        ByteBuffer b = r.data().duplicate().position(off).limit(off + len).slice().order(ByteOrder.LITTLE_ENDIAN);
        return new RawTensor(r.name(), r.dtype(), shape, b, r.file());
    }

    private static RawTensor transpose(RawTensor r, Path file) throws MalformedModelException {
        if (r.shape().length != 2) {
            throw new MalformedModelException(file, "text_projection must be 2-D, found " + Arrays.toString(r.shape()));
        }
        int rows = (int) r.shape()[0];
        int cols = (int) r.shape()[1];
        int es = r.dtype().size();
        ByteBuffer src = r.data();
        ByteBuffer dst = ByteBuffer.allocateDirect(src.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        byte[] el = new byte[es];
        for (int c = 0; c < cols; c++) {
            for (int i = 0; i < rows; i++) {
                src.get((i * cols + c) * es, el);
                dst.put(el);
            }
        }
        dst.flip();
        return new RawTensor("text_projection.weight", r.dtype(), new long[] {cols, rows}, dst, file);
    }

}

package org.amdet.encoders;

import org.amdet.EncoderInfo;
import org.amdet.Encoding;
import org.amdet.ModelLoadException;
import org.amdet.spi.TorchSupport;
import org.amdet.spi.TrainableTextEncoder;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Collections;
import org.amdet.InputLimitException;
import org.amdet.InputLimits;
import org.amdet.NonFiniteOutputException;
import org.bytedeco.pytorch.LongOptional;

/**
 * The pre-LN transformer text encoder shared by CLIP, LongCLIP and SigLIP, run with LibTorch ops. Weights use the
 * Hugging Face names without the {@code text_model.} prefix. Forward (Radford et al. 2021; Zhai et al. 2023):
 * x = tok[ids] + pos[0:L]; per layer x += out(attn(LN1(x))), x += fc2(act(fc1(LN2(x)))); last_hidden_state =
 * final LN at all positions; pooled = EOS state (CLIP, projected when {@code text_projection} exists) or
 * head(last position) (SigLIP).
 */
final class TransformerTextEncoder implements TrainableTextEncoder {
    private static final int ENCODE_CHUNK = 64;

    private final TextModelConfig config;
    private final TextTokenizer tokenizer;
    private final EncoderInfo info;
    private final Device device;
    private final ScalarType dtype;
    private final Map<String, Tensor> w;
    private final Layer[] layers;
    private final Tensor projW;
    private final Tensor projB;
    private volatile boolean closed;

    private record Layer(Tensor ln1w, Tensor ln1b, Tensor qw, Tensor qb, Tensor kw, Tensor kb, Tensor vw, Tensor vb,
                         Tensor ow, Tensor ob, Tensor ln2w, Tensor ln2b, Tensor fc1w, Tensor fc1b, Tensor fc2w,
                         Tensor fc2b) {
    }

    TransformerTextEncoder(TextModelConfig config, TextTokenizer tokenizer, EncoderInfo info, Device device,
                                   ScalarType dtype, Map<String, Tensor> w) {
        this.config = config;
        this.tokenizer = tokenizer;
        this.info = info;
        this.device = device;
        this.dtype = dtype;
        this.w = w;
        this.layers = new Layer[config.layers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "encoder.layers." + i + ".";
            layers[i] = new Layer(w.get(p + "layer_norm1.weight"), w.get(p + "layer_norm1.bias"),
                    w.get(p + "self_attn.q_proj.weight"), w.get(p + "self_attn.q_proj.bias"),
                    w.get(p + "self_attn.k_proj.weight"), w.get(p + "self_attn.k_proj.bias"),
                    w.get(p + "self_attn.v_proj.weight"), w.get(p + "self_attn.v_proj.bias"),
                    w.get(p + "self_attn.out_proj.weight"), w.get(p + "self_attn.out_proj.bias"),
                    w.get(p + "layer_norm2.weight"), w.get(p + "layer_norm2.bias"),
                    w.get(p + "mlp.fc1.weight"), w.get(p + "mlp.fc1.bias"),
                    w.get(p + "mlp.fc2.weight"), w.get(p + "mlp.fc2.bias"));
        }
        this.projW = w.getOrDefault("text_projection.weight", w.get("head.weight"));
        this.projB = w.get("head.bias");
    }

    /** The resolved architecture. */
    public TextModelConfig config() {
        return config;
    }

    @Override
    public EncoderInfo info() {
        return info;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("encoder " + info.source() + " is closed");
        }
    }

    @Override
    public long[][] tokenize(List<String> prompts) {
        return tokenize(prompts, 0);
    }

    private long[][] tokenize(List<String> prompts, int reserve) {
        checkOpen();
        long[][] ids = tokenizer.encode(prompts, reserve);
        for (long[] row : ids) {
            for (long id : row) {
                if (id < 0 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException("tokenizer " + tokenizer.file() + " produced id " + id
                            + " but the model has " + config.vocabSize() + " token embeddings: tokenizer and model "
                            + "do not belong together");
                }
            }
        }
        return ids;
    }

    @Override
    public Tensor idsTensor(List<String> prompts) {
        return idsTensor(prompts, 0);
    }

    @Override
    public Tensor idsTensor(List<String> prompts, int reserve) {
        long[][] ids = tokenize(prompts, reserve);
        long[] flat = new long[ids.length * tokenizer.contextLength()];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(ids[i], 0, flat, i * ids[i].length, ids[i].length);
        }
        Tensor t = TorchSupport.longs(flat, ids.length, tokenizer.contextLength());
        return device.is_cpu() ? t : t.to(device, ScalarType.Long);
    }

    @Override
    public Tensor embed(Tensor ids) {
        checkOpen();
        long len = ids.size(1);
        if (len > config.maxPositions()) {
            throw new IllegalArgumentException("sequence of " + len + " tokens exceeds the " + config.maxPositions()
                    + " positions of " + info.source());
        }
        Tensor tok = torch.embedding(w.get("embeddings.token_embedding.weight"), ids);
        Tensor pos = w.get("embeddings.position_embedding.weight").narrow(0, 0, len);
        return tok.add(pos);
    }

    @Override
    public Tensor transform(Tensor hidden) {
        checkOpen();
        Tensor x = hidden.scalar_type() == dtype ? hidden : hidden.to(dtype);
        long b = x.size(0);
        long len = x.size(1);
        long d = config.hiddenSize();
        long nh = config.heads();
        long hd = d / nh;
        long[] normShape = {d};
        double eps = config.layerNormEps();
        for (Layer l : layers) {
            Tensor h = torch.layer_norm(x, normShape, new TensorOptional(l.ln1w), new TensorOptional(l.ln1b), eps,
                    false);
            Tensor q = torch.linear(h, l.qw, new TensorOptional(l.qb)).view(b, len, nh, hd).transpose(1, 2);
            Tensor k = torch.linear(h, l.kw, new TensorOptional(l.kb)).view(b, len, nh, hd).transpose(1, 2);
            Tensor v = torch.linear(h, l.vw, new TensorOptional(l.vb)).view(b, len, nh, hd).transpose(1, 2);
            Tensor a = torch.scaled_dot_product_attention(q, k, v, new TensorOptional(), 0.0, config.causal(),
                    new DoubleOptional(), false);
            a = a.transpose(1, 2).reshape(b, len, d);
            x = x.add(torch.linear(a, l.ow, new TensorOptional(l.ob)));
            h = torch.layer_norm(x, normShape, new TensorOptional(l.ln2w), new TensorOptional(l.ln2b), eps, false);
            h = activate(torch.linear(h, l.fc1w, new TensorOptional(l.fc1b)));
            x = x.add(torch.linear(h, l.fc2w, new TensorOptional(l.fc2b)));
        }
        return torch.layer_norm(x, normShape, new TensorOptional(w.get("final_layer_norm.weight")),
                new TensorOptional(w.get("final_layer_norm.bias")), eps, false);
    }

    private Tensor activate(Tensor h) {
        return switch (config.activation()) {
            case QUICK_GELU -> h.mul(torch.sigmoid(h.mul(new Scalar(1.702))));
            case GELU -> torch.gelu(h, "none");
            case GELU_TANH -> torch.gelu(h, "tanh");
        };
    }

    @Override
    public long exactPrefixLength(Tensor ids) {
        checkOpen();
        if (!config.causal() || config.pooling() == TextModelConfig.Pooling.LAST || ids.size(0) == 0) {
            return ids.size(1);
        }
        if (config.pooling() == TextModelConfig.Pooling.FIRST_EOS
                && TorchSupport.item(ids.eq(new Scalar(config.eosTokenId())).any(1).all()) == 0) {
            return ids.size(1); // a row without EOS pools at position 0 in HF; keep everything
        }
        return (long) TorchSupport.item(poolIndex(ids).max()) + 1;
    }

    private Tensor poolIndex(Tensor ids) {
        return config.pooling() == TextModelConfig.Pooling.ARGMAX_ID
                ? ids.argmax(new LongOptional(1), false)
                : ids.eq(new Scalar(config.eosTokenId())).to(ScalarType.Int)
                .argmax(new LongOptional(1), false);
    }

    @Override
    public Tensor pool(Tensor lastHidden, Tensor ids) {
        checkOpen();
        Tensor pooled;
        if (config.pooling() == TextModelConfig.Pooling.LAST) {
            pooled = lastHidden.select(1, lastHidden.size(1) - 1);
        } else {
            Tensor idx = poolIndex(ids);
            Tensor g = idx.view(-1, 1, 1).expand(lastHidden.size(0), 1, lastHidden.size(2));
            pooled = lastHidden.gather(1, g).squeeze(1);
        }
        if (projW != null) {
            pooled = projB == null ? torch.linear(pooled, projW) : torch.linear(pooled, projW,
                    new TensorOptional(projB));
        }
        return pooled;
    }

    @Override
    public Encoding encode(List<String> prompts) {
        checkOpen();
        int n = prompts.size();
        int len = tokenizer.contextLength();
        int d = config.hiddenSize();
        int p = info.pooledSize();
        InputLimits.check(InputLimits.ENCODE_PROMPTS, "prompts to encode", n);
        if ((long) n * len * d > Integer.MAX_VALUE - 8) {
            throw new InputLimitException(InputLimits.ENCODE_PROMPTS, n + " prompts x " + len
                    + " positions x " + d + " dimensions is more values than one Java array holds; encode at most "
                    + (Integer.MAX_VALUE - 8) / ((long) len * d) + " prompts at a time with " + info.source());
        }
        long[][] ids = new long[n][];
        float[] emb = new float[n * len * d];
        float[] last = new float[n * len * d];
        float[] pooled = new float[n * p];
        for (int start = 0; start < n; start += ENCODE_CHUNK) {
            List<String> chunk = prompts.subList(start, Math.min(n, start + ENCODE_CHUNK));
            try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
                Tensor idt = idsTensor(chunk);
                long[] flat = TorchSupport.toLongs(idt);
                for (int i = 0; i < chunk.size(); i++) {
                    ids[start + i] = Arrays.copyOfRange(flat, i * len, (i + 1) * len);
                }
                Tensor e = embed(idt);
                Tensor lh = transform(e);
                Tensor po = pool(lh, idt);
                requireFinite(e, "embeddings", start, chunk.size());
                requireFinite(lh, "last_hidden_state", start, chunk.size());
                requireFinite(po, "pooled", start, chunk.size());
                System.arraycopy(TorchSupport.toFloats(e), 0, emb, start * len * d, chunk.size() * len * d);
                System.arraycopy(TorchSupport.toFloats(lh), 0, last, start * len * d, chunk.size() * len * d);
                System.arraycopy(TorchSupport.toFloats(po), 0, pooled, start * p, chunk.size() * p);
            }
        }
        return new Encoding(ids, emb, last, pooled, n, len, d, p);
    }

    private void requireFinite(Tensor t, String output, int start, int rows) {
        if (TorchSupport.item(torch.isfinite(t).all()) == 0) {
            throw new NonFiniteOutputException(info.source(), "the model's " + output + " holds NaN or "
                    + "infinite values for prompts " + start + ".." + (start + rows - 1) + ": its weights overflow "
                    + info.precision().label() + " in the forward pass; the model is broken or hostile");
        }
    }

    /**
     * The weights by canonical name: the live tensors the forward pass reads (a trainer makes them leaves with
     * gradients and updates them in place).
     */
    @Override
    public Map<String, Tensor> weights() {
        checkOpen();
        return Collections.unmodifiableMap(w);
    }

    @Override
    public long endTokenId() {
        return config.eosTokenId();
    }

    @Override
    public void writeWeights(Path dir) throws IOException, ModelLoadException {
        checkOpen();
        Path source = info.source();
        if (!Files.isDirectory(source)) {
            throw new UnsupportedOperationException(info.family() + " encoder " + source + " was not loaded from a "
                    + "Hugging Face folder; only those can be written back");
        }
        CheckpointWriter.write(source, weights(), dir);
    }

    @Override
    public Tensor tokenEmbeddingWeight() {
        checkOpen();
        return w.get("embeddings.token_embedding.weight");
    }

    @Override
    public String tokenText(long id) {
        checkOpen();
        return tokenizer.decode(id);
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public ScalarType computeType() {
        return dtype;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        w.values().forEach(Tensor::releaseReference);
        tokenizer.close();
    }

}

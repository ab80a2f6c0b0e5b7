package org.amdet.encoders;

import org.amdet.EncoderInfo;
import org.amdet.EncoderOptions;
import org.amdet.MalformedModelException;
import org.amdet.ModelLoadException;
import org.amdet.spi.TorchSupport;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.LinkedHashMap;
import org.amdet.Precision;
import org.amdet.UnsupportedModelException;

/**
 * From checkpoint tensors to a {@link TransformerTextEncoder}: the weight names and shapes an architecture needs,
 * the dimensions resolved and checked against the tensors (and against what config.json states), the memory check,
 * and the weights copied to the device in the compute precision; or random weights for benchmarks.
 */
final class TransformerWeights {
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layers\\.(\\d+)\\.");
    /** Fewest rows of a position table: start token, one text token, end token. */
    static final int MIN_POSITIONS = 3;

    private TransformerWeights() {
    }

    /** Names and shapes of every weight of {@code cfg}, with a CLIP projection or a SigLIP head when asked. */
    static Map<String, long[]> expectedShapes(TextModelConfig cfg, boolean projection, boolean head) {
        int d = cfg.hiddenSize();
        int in = cfg.intermediateSize();
        Map<String, long[]> expected = new LinkedHashMap<>();
        expected.put("embeddings.token_embedding.weight", new long[] {cfg.vocabSize(), d});
        expected.put("embeddings.position_embedding.weight", new long[] {cfg.maxPositions(), d});
        for (int i = 0; i < cfg.layers(); i++) {
            String p = "encoder.layers." + i + ".";
            for (String ln : List.of("layer_norm1", "layer_norm2")) {
                expected.put(p + ln + ".weight", new long[] {d});
                expected.put(p + ln + ".bias", new long[] {d});
            }
            for (String pr : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
                expected.put(p + "self_attn." + pr + ".weight", new long[] {d, d});
                expected.put(p + "self_attn." + pr + ".bias", new long[] {d});
            }
            expected.put(p + "mlp.fc1.weight", new long[] {in, d});
            expected.put(p + "mlp.fc1.bias", new long[] {in});
            expected.put(p + "mlp.fc2.weight", new long[] {d, in});
            expected.put(p + "mlp.fc2.bias", new long[] {d});
        }
        expected.put("final_layer_norm.weight", new long[] {d});
        expected.put("final_layer_norm.bias", new long[] {d});
        if (projection) {
            expected.put("text_projection.weight", new long[] {cfg.projectionDim(), d});
        } else if (head) {
            expected.put("head.weight", new long[] {cfg.projectionDim(), d});
            expected.put("head.bias", new long[] {cfg.projectionDim()});
        }
        return expected;
    }

    /**
     * Dimensions read off the tensors, each checked against config.json: hidden size, head count and layer count
     * always (with the {@code transformers} defaults when config.json leaves them out), vocabulary, MLP width,
     * positions and projection width whenever config.json states them — a disagreement is an error naming the key,
     * its value and the tensor's shape, never silently overridden. Zero-sized tables and tensors of the other family
     * (a SigLIP {@code head} under a CLIP config, a CLIP {@code text_projection} under a SigLIP config) are refused.
     *
     * @param file    the checkpoint (for messages about tensors)
     * @param cfgFile the config.json the sizes come from, or null when they are defaults (a LongCLIP .pt alone)
     * @param stated  the sizes config.json states explicitly, by key ({@link HfConfig#statedSizes})
     */
    static TextModelConfig resolveDims(TextModelConfig cfg, Map<String, RawTensor> t, Path file, Path cfgFile,
                                       Map<String, Integer> stated) throws MalformedModelException {
        Path cf = cfgFile == null ? file : cfgFile;
        RawTensor tok = require(t, "embeddings.token_embedding.weight", file);
        RawTensor pos = require(t, "embeddings.position_embedding.weight", file);
        if (tok.shape().length != 2 || pos.shape().length != 2) {
            throw new MalformedModelException(file, "embedding tables must be 2-D, found token "
                    + Arrays.toString(tok.shape()) + " and position " + Arrays.toString(pos.shape()));
        }
        nonEmpty(tok, "[vocab_size, hidden_size] with both > 0");
        nonEmpty(pos, "[max_position_embeddings, hidden_size] with both > 0");
        int vocab = (int) tok.shape()[0];
        int hidden = (int) tok.shape()[1];
        int positions = (int) pos.shape()[0];
        if (positions < MIN_POSITIONS) {
            throw new MalformedModelException(pos.file(), "tensor '" + pos.name() + "' has shape "
                    + Arrays.toString(pos.shape()) + ": " + positions + " position(s), expected at least "
                    + MIN_POSITIONS + " (a start token, one text token and an end token)");
        }
        if (hidden != cfg.hiddenSize()) {
            throw disagrees(cf, "hidden_size", cfg.hiddenSize(), tok, "its width");
        }
        if (hidden % cfg.heads() != 0) {
            throw new MalformedModelException(cf, "num_attention_heads " + cfg.heads() + " does not divide the "
                    + "width " + hidden + " of tensor '" + tok.name() + "' " + Arrays.toString(tok.shape()));
        }
        TreeSet<Integer> idx = new TreeSet<>();
        for (String k : t.keySet()) {
            Matcher m = LAYER.matcher(k);
            if (m.find()) {
                idx.add(Integer.parseInt(m.group(1)));
            }
        }
        int nLayers = idx.isEmpty() ? 0 : idx.last() + 1;
        if (nLayers != idx.size()) {
            throw new MalformedModelException(file, "transformer layers are not numbered 0.." + (nLayers - 1)
                    + ": found " + idx);
        }
        if (nLayers != cfg.layers()) {
            throw new MalformedModelException(cf, "num_hidden_layers " + cfg.layers() + " disagrees with the "
                    + "checkpoint " + file + ", which holds " + nLayers + " layers");
        }
        int inter = cfg.intermediateSize();
        RawTensor fc1 = t.get("encoder.layers.0.mlp.fc1.weight");
        if (fc1 != null && fc1.shape().length == 2) {
            nonEmpty(fc1, "[intermediate_size, hidden_size] with both > 0");
            inter = (int) fc1.shape()[0];
            checkStated(stated, cf, "intermediate_size", inter, fc1, "its rows");
        }
        checkStated(stated, cf, "vocab_size", vocab, tok, "its rows");
        checkStated(stated, cf, "max_position_embeddings", positions, pos, "its rows");
        boolean siglip = cfg.family().equals("siglip");
        RawTensor clipProj = t.get("text_projection.weight");
        RawTensor head = t.get("head.weight");
        if (siglip && clipProj != null) {
            throw new MalformedModelException(cf, "names a SigLIP model but checkpoint " + clipProj.file()
                    + " holds '" + clipProj.name() + "', a CLIP tensor: config.json and the weights disagree");
        }
        if (!siglip && (head != null || t.containsKey("head.bias"))) {
            RawTensor h = head != null ? head : t.get("head.bias");
            throw new MalformedModelException(cf, "names a " + cfg.family() + " model but checkpoint " + h.file()
                    + " holds '" + h.name() + "', a SigLIP tensor: config.json and the weights disagree");
        }
        RawTensor proj = siglip ? head : clipProj;
        int projection = 0;
        if (proj != null) {
            String key = siglip ? "projection_size" : "projection_dim";
            nonEmpty(proj, "[" + key + ", hidden_size] with both > 0"
                    + (stated.containsKey(key) ? " (" + key + " " + stated.get(key) + " in " + cf + ")" : ""));
            projection = (int) proj.shape()[0];
            checkStated(stated, cf, key, projection, proj, "its rows");
        }
        return cfg.withDims(hidden, inter, nLayers, positions, vocab, projection);
    }

    /** Refuses a tensor with a zero-sized dimension (an empty table or projection). */
    private static void nonEmpty(RawTensor r, String expected) throws MalformedModelException {
        for (long d : r.shape()) {
            if (d == 0) {
                throw new MalformedModelException(r.file(), "tensor '" + r.name() + "' has shape "
                        + Arrays.toString(r.shape()) + ", a zero-sized dimension; expected " + expected);
            }
        }
    }

    private static void checkStated(Map<String, Integer> stated, Path cfgFile, String key, int actual, RawTensor r,
                                    String what) throws MalformedModelException {
        Integer v = stated.get(key);
        if (v != null && v != actual) {
            throw disagrees(cfgFile, key, v, r, what);
        }
    }

    private static MalformedModelException disagrees(Path cfgFile, String key, int value, RawTensor r, String what) {
        return new MalformedModelException(cfgFile, key + " " + value + " disagrees with tensor '" + r.name()
                + "' of shape " + Arrays.toString(r.shape()) + " in " + r.file() + " (" + what + "): config.json "
                + "and the weights must describe the same model");
    }

    /**
     * Builds an encoder from canonical weights: refuses weights that would not fit in the available physical memory
     * ({@link MemoryBudget}) before allocating anything, checks every expected tensor's presence, dtype and shape,
     * rejects non-finite values, and copies the weights to the device in the compute dtype.
     */
    static TransformerTextEncoder create(TextModelConfig cfg, Map<String, RawTensor> t, TextTokenizer tokenizer,
                                         Path source, EncoderOptions options, LoadedFiles files)
            throws ModelLoadException {
        Map<String, long[]> expected = expectedShapes(cfg, t.containsKey("text_projection.weight"),
                !t.containsKey("text_projection.weight") && t.containsKey("head.weight"));
        Precision precision = options.precision().resolve(options.device(), cfg.hiddenSize());
        requireMemory(expected, t, source, precision);
        files.hashPending(); // the whole checkpoint is read only once it is known to fit
        TorchSupport.init();
        Device device = TorchSupport.device(options.device());
        ScalarType dtype = TorchSupport.scalarType(precision);
        int d = cfg.hiddenSize();
        Map<String, Tensor> weights = new HashMap<>();
        String stored = null;
        try {
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                try (PointerScope scope = new PointerScope()) {
                    RawTensor r = require(t, e.getKey(), source);
                    nonEmpty(r, Arrays.toString(e.getValue()) + " with no zero-sized dimension");
                    if (!Arrays.equals(r.shape(), e.getValue())) {
                        throw new MalformedModelException(r.file(), "tensor '" + r.name() + "' has shape "
                                + Arrays.toString(r.shape()) + ", expected " + Arrays.toString(e.getValue()));
                    }
                    if (!r.dtype().isFloatingPoint()) {
                        throw new MalformedModelException(r.file(), "tensor '" + r.name() + "' is " + r.dtype()
                                + ", expected a floating-point dtype");
                    }
                    stored = stored == null ? r.dtype().name() : stored;
                    Tensor src = TorchSupport.view(r.data(), r.dtype(), r.shape());
                    if (TorchSupport.item(torch.isfinite(src).all()) == 0) {
                        long bad = (long) TorchSupport.item(torch.isfinite(src).logical_not().sum());
                        throw new MalformedModelException(r.file(), "tensor '" + r.name() + "' holds " + bad
                                + " NaN or infinite value(s): the weights are corrupt");
                    }
                    Tensor dst = src.to(device, dtype, false, true, null);
                    if (TorchSupport.item(torch.isfinite(dst).all()) == 0) {
                        // finite in the file's dtype (e.g. F64 1e300) but infinite in the compute dtype
                        throw new UnsupportedModelException(r.file(), "tensor '" + r.name() + "' holds "
                                + "values beyond the range of " + precision.label() + " (stored as "
                                + r.dtype() + ", largest magnitude " + TorchSupport.item(src.abs().max())
                                + "): they would become infinite"
                                + (precision == Precision.FP32 ? ""
                                : "; load the model in fp32" + (precision == Precision.FP16
                                ? " or bf16" : "")));
                    }
                    if (e.getKey().equals("embeddings.token_embedding.weight") && r.shape()[0] > 1
                            && TorchSupport.item(dst.sub(dst.narrow(0, 0, 1)).abs().max()) == 0) {
                        throw new MalformedModelException(r.file(), "tensor '" + r.name() + "': all "
                                + r.shape()[0] + " token embeddings are identical (e.g. all zero), so every prompt "
                                + "reaches the transformer as the same input: the model is degenerate and cannot be "
                                + "scanned");
                    }
                    dst.retainReference();
                    weights.put(e.getKey(), dst);
                }
            }
            files.verifyUnchanged(); // the weights are copies now: what was hashed is what was loaded
        } catch (ModelLoadException | RuntimeException e) {
            weights.values().forEach(Tensor::releaseReference);
            if (e instanceof RuntimeException re && !(e instanceof IllegalArgumentException)) {
                throw new MalformedModelException(source, "cannot load weights: " + re.getMessage(), re);
            }
            throw e;
        }
        EncoderInfo info = new EncoderInfo(cfg.family(), source, d, cfg.maxPositions(), cfg.layers(), cfg.heads(),
                cfg.vocabSize(), cfg.projectionDim() > 0 ? cfg.projectionDim() : d, cfg.projectionDim() > 0,
                cfg.causal(), stored, options.device(), precision, tokenizer.digest(), files.digests());
        return new TransformerTextEncoder(cfg, tokenizer, info, device, dtype, weights);
    }

    /**
     * An encoder of the given architecture with random weights (normal, std 0.02; layer norms at 1 and 0) built
     * directly in LibTorch: for benchmarks at real model sizes without a download.
     */
    static TransformerTextEncoder random(TextModelConfig cfg, TextTokenizer tokenizer, long seed,
                                         EncoderOptions options) {
        TorchSupport.init();
        Device device = TorchSupport.device(options.device());
        Precision precision = options.precision().resolve(options.device(), cfg.hiddenSize());
        ScalarType dtype = TorchSupport.scalarType(precision);
        int d = cfg.hiddenSize();
        Map<String, long[]> shapes = expectedShapes(cfg, cfg.projectionDim() > 0, false);
        torch.manual_seed(seed);
        Map<String, Tensor> weights = new HashMap<>();
        try (PointerScope scope = new PointerScope()) {
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                Tensor t;
                if (e.getKey().contains("layer_norm") && e.getKey().endsWith(".weight")) {
                    t = torch.ones(e.getValue());
                } else if (e.getKey().contains("layer_norm") || e.getKey().endsWith(".bias")) {
                    t = torch.zeros(e.getValue());
                } else {
                    t = torch.randn(e.getValue()).mul(new Scalar(0.02));
                }
                Tensor dst = t.to(device, dtype);
                dst.retainReference();
                weights.put(e.getKey(), dst);
            }
        }
        EncoderInfo info = new EncoderInfo(cfg.family() + " (random weights)", Path.of("synthetic"), d,
                cfg.maxPositions(), cfg.layers(), cfg.heads(), cfg.vocabSize(), cfg.projectionDim() > 0
                ? cfg.projectionDim() : d, cfg.projectionDim() > 0, cfg.causal(), "F32", options.device(),
                precision, tokenizer.digest(), Map.of());
        return new TransformerTextEncoder(cfg, tokenizer, info, device, dtype, weights);
    }

    /**
     * Refuses the model when its weights, converted to the compute precision (plus the largest one-byte-per-element
     * finiteness mask), exceed the available physical memory. Uses the declared shapes only: nothing is read.
     */
    static void requireMemory(Map<String, long[]> expected, Map<String, RawTensor> t, Path source,
                              Precision precision) throws ModelLoadException {
        long elements = 0;
        long largest = 0;
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            RawTensor r = t.get(e.getKey());
            long n = r == null ? 0 : r.numel() < 0 ? Long.MAX_VALUE : r.numel();
            elements = MemoryBudget.add(elements, n);
            largest = Math.max(largest, n);
        }
        long needed = MemoryBudget.add(MemoryBudget.times(elements,
                MemoryBudget.bytesPerElement(precision)), largest);
        RawTensor first = t.get("embeddings.token_embedding.weight");
        MemoryBudget.requirePhysical(first != null ? first.file() : source, needed, "its " + elements
                + " weights in " + precision.label());
    }

    private static RawTensor require(Map<String, RawTensor> t, String name, Path file) throws MalformedModelException {
        RawTensor r = t.get(name);
        if (r == null) {
            throw new MalformedModelException(file, "missing tensor '" + name + "'");
        }
        return r;
    }
}

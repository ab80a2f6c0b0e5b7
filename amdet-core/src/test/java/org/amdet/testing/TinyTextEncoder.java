package org.amdet.testing;

import org.amdet.EncoderInfo;
import org.amdet.Encoding;
import org.amdet.Precision;
import org.amdet.internal.torch.Torch;
import org.amdet.spi.TorchTextEncoder;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small differentiable text encoder for testing the scan inside amdet-core, with no model files: words hash to
 * token ids (BOS 1, EOS 2, padding 0), token + position embeddings, one residual layer in which every position also
 * sees the mean of the positions before it (causal mixing), a final normalisation, and pooling at the first EOS.
 * Weights are seeded, so two encoders with the same seed are the same model; {@code perturbation} moves the
 * weights of a second model away from the first, like a fine-tune.
 */
public final class TinyTextEncoder implements TorchTextEncoder {
    /** Vocabulary size V. */
    public static final int VOCAB = 96;
    /** Context length L. */
    public static final int LENGTH = 12;
    /** Width D. */
    public static final int WIDTH = 16;

    private final EncoderInfo info;
    private final Tensor tokens;
    private final Tensor positions;
    private final Tensor w1;
    private final Tensor w2;

    /**
     * A tiny encoder with seeded weights.
     *
     * @param seed         seed of the weights shared with every encoder of this seed
     * @param perturbation scale of a second, seeded change of the weights (0 for the base model)
     * @param changeSeed   seed of that change
     */
    public TinyTextEncoder(long seed, double perturbation, long changeSeed) {
        Torch.init();
        SplittableRandom base = new SplittableRandom(seed);
        SplittableRandom change = new SplittableRandom(changeSeed);
        tokens = weights(base, change, perturbation, VOCAB, WIDTH);
        positions = weights(base, change, perturbation, LENGTH, WIDTH);
        w1 = weights(base, change, perturbation, WIDTH, WIDTH);
        w2 = weights(base, change, perturbation, WIDTH, WIDTH);
        info = new EncoderInfo("tiny", Path.of("tiny-" + seed + "-" + changeSeed), WIDTH, LENGTH, 1, 1, VOCAB, WIDTH,
                false, true, "F32", "cpu", Precision.FP32, "tiny-tokenizer", Map.of());
    }

    private static Tensor weights(SplittableRandom base, SplittableRandom change, double perturbation, int rows,
                                  int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.5 * base.nextGaussian() + perturbation * change.nextGaussian());
        }
        Tensor t = Torch.floats(v, rows, cols);
        t.retainReference(); // survives any scope of the caller; released by close()
        return t;
    }

    @Override
    public EncoderInfo info() {
        return info;
    }

    @Override
    public long[][] tokenize(List<String> prompts) {
        return tokenize(prompts, 0);
    }

    private static long[][] tokenize(List<String> prompts, int reserve) {
        long[][] out = new long[prompts.size()][LENGTH];
        for (int p = 0; p < prompts.size(); p++) {
            String[] words = prompts.get(p).toLowerCase(Locale.ROOT).trim().split("\\s+");
            int n = Math.min(words.length, LENGTH - 2 - reserve);
            out[p][0] = 1;
            for (int i = 0; i < n; i++) {
                out[p][i + 1] = 3 + Math.floorMod(words[i].hashCode(), VOCAB - 3);
            }
            out[p][n + 1] = 2;
        }
        return out;
    }

    @Override
    public Tensor idsTensor(List<String> prompts) {
        return idsTensor(prompts, 0);
    }

    @Override
    public Tensor idsTensor(List<String> prompts, int reserve) {
        long[][] ids = tokenize(prompts, reserve);
        long[] flat = new long[ids.length * LENGTH];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(ids[i], 0, flat, i * LENGTH, LENGTH);
        }
        return Torch.longs(flat, ids.length, LENGTH);
    }

    @Override
    public Tensor embed(Tensor ids) {
        long b = ids.size(0);
        long len = ids.size(1);
        Tensor tok = tokens.index_select(0, ids.reshape(b * len)).view(b, len, WIDTH);
        return tok.add(positions.narrow(0, 0, len).unsqueeze(0));
    }

    @Override
    public Tensor transform(Tensor hidden) {
        long len = hidden.size(1);
        float[] counts = new float[(int) len];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = i + 1;
        }
        Tensor causalMean = hidden.cumsum(1).div(Torch.floats(counts, 1, len, 1));
        Tensor h = hidden.add(causalMean.matmul(w1).tanh().matmul(w2));
        Tensor centred = h.sub(h.mean(new long[] {2}, true, null));
        Tensor variance = centred.pow(new Scalar(2)).mean(new long[] {2}, true, null);
        return centred.mul(variance.add(new Scalar(1e-5)).rsqrt());
    }

    @Override
    public Tensor pool(Tensor lastHidden, Tensor ids) {
        long b = ids.size(0);
        long len = ids.size(1);
        Tensor eos = ids.eq(new Scalar(2)).to(ScalarType.Float).argmax(new LongOptional(1), false);
        long[] at = Torch.toLongs(eos);
        for (int i = 0; i < at.length; i++) {
            at[i] += i * len;
        }
        return lastHidden.reshape(b * len, lastHidden.size(2)).index_select(0, Torch.longs(at, at.length));
    }

    @Override
    public Encoding encode(List<String> prompts) {
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor ids = idsTensor(prompts);
            Tensor e = embed(ids);
            Tensor last = transform(e);
            Tensor pooled = pool(last, ids);
            return new Encoding(tokenize(prompts), Torch.toFloats(e), Torch.toFloats(last), Torch.toFloats(pooled),
                    prompts.size(), LENGTH, WIDTH, WIDTH);
        }
    }

    @Override
    public Tensor tokenEmbeddingWeight() {
        return tokens;
    }

    @Override
    public String tokenText(long id) {
        return "t" + id;
    }

    @Override
    public Device device() {
        return new Device("cpu");
    }

    @Override
    public ScalarType computeType() {
        return ScalarType.Float;
    }

    @Override
    public void close() {
        for (Tensor t : new Tensor[] {tokens, positions, w1, w2}) {
            t.releaseReference();
        }
    }
}

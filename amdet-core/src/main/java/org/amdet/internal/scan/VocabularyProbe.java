package org.amdet.internal.scan;

import org.amdet.internal.torch.Torch;
import org.amdet.internal.torch.TorchLosses;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The token start of the robust mode (see {@code docs/decision-rule.md}, "token start"): a search of the suspect's
 * vocabulary for the single token that, inserted after the first position, makes the suspect leave its anchor the
 * most, relative to the same prompts without it. Backdoor triggers are vocabulary tokens (or begin with one), and a
 * continuous inversion guided by assimilation can miss them when the suspect's outputs are already assimilated on
 * clean prompts, while the disagreement with the anchor is what every real trigger of the zoos raised 9–970×.
 *
 * <p>The search uses only the first {@value #PROMPTS} prompts of the train split, never the test split, so the start
 * it returns is tested on the evaluation prompts like any other start. Every measurement lets each model embed the
 * ids with its own embedding layer (a trigger can live in its embedding row). Candidates: the {@value #CANDIDATES}
 * tokens whose embedding row moved furthest from the anchor's; for vocabularies of at most {@value #SCREEN_LIMIT}
 * tokens, the best {@value #CANDIDATES} of an exhaustive screen on {@value #SCREEN_PROMPTS} prompts; and, in each of
 * {@value #ROUNDS} rounds and per channel, the {@value #CANDIDATES} best new tokens of a first-order ranking (the
 * gradient of the summed disagreement ratio at the current point, dotted with every embedding row; the next round
 * starts from the best token so far). A token's score is the larger channel's median over the prompts of triggered /
 * clean disagreement. Special tokens ({@code <...>}), the placeholder and the padding id are never candidates.
 */
final class VocabularyProbe {
    /** Train prompts the search measures on. */
    static final int PROMPTS = 8;
    /** Tokens measured exactly per round and channel. */
    static final int CANDIDATES = 16;
    /** Rounds of ranking and measuring. */
    static final int ROUNDS = 2;
    /** Vocabularies up to this size are also screened exhaustively, every token on {@value #SCREEN_PROMPTS} prompts. */
    static final int SCREEN_LIMIT = 8192;
    /** Prompts of the exhaustive screen. */
    static final int SCREEN_PROMPTS = 2;
    /** Sequences per pass of the exhaustive screen. */
    private static final int SCREEN_BATCH = 64;

    /**
     * The token found.
     *
     * @param id    its vocabulary id
     * @param text  its text
     * @param score its score on the search prompts (median triggered / clean disagreement, larger channel)
     * @param e     the embedding-layer output of the token at the inserted position, [1, D] float32
     * @param measured tokens measured exactly
     */
    record Probe(long id, String text, double score, Tensor e, int measured) {
    }

    private final ScanContext ctx;
    private final ShadowSplit split;
    private final long placeholder;
    private final boolean pooled;

    VocabularyProbe(ScanContext ctx, ShadowSplit split, long placeholder, boolean pooled) {
        this.ctx = ctx;
        this.split = split;
        this.placeholder = placeholder;
        this.pooled = pooled;
    }

    /** The best token measured so far. */
    private static final class Best {
        long id = -1;
        double score = Double.NEGATIVE_INFINITY;
        int measured;
    }

    /** Runs the search; the returned embedding lives in the caller's scope, or null when no token could be tried. */
    Probe find() {
        Best best = search();
        if (best.id < 0) {
            return null;
        }
        Tensor e = Scopes.keep(() -> vectors(new long[] {best.id}).to(ScalarType.Float).clone());
        return new Probe(best.id, ctx.suspect.tokenText(best.id), best.score, e, best.measured);
    }

    /** The search itself; every tensor it makes is freed when it returns. */
    private Best search() {
        int m = Math.min(PROMPTS, split.nTrain);
        Best best = new Best();
        try (PointerScope scope = new PointerScope()) {
            Tensor ids = split.trainIds.narrow(0, 0, m);
            Tensor xi = Sequences.insertIds(ids, 1, placeholder);
            Tensor h = ctx.embedNoGrad(ids);
            double[][] clean = cleanOwn(ids, split.trainOriginal.narrow(0, 0, m));
            Tensor w = ctx.suspect.tokenEmbeddingWeight();
            int v = (int) w.size(0);
            Set<Long> excluded = excluded(ids, v);
            Set<Long> tried = new HashSet<>();
            if (ctx.anchor.tokenEmbeddingWeight().size(0) == v) {
                consider(top(drift(w, ctx.anchor.tokenEmbeddingWeight()), excluded, tried, CANDIDATES), ids, clean,
                        tried, best);
            }
            if (v <= SCREEN_LIMIT) {
                consider(top(screen(v, ids, clean), excluded, tried, CANDIDATES), ids, clean, tried, best);
            }
            Tensor point = best.id >= 0 ? vectors(new long[] {best.id}) : startPoint(w);
            for (int round = 0; round < ROUNDS; round++) {
                for (int ch = 0; ch < (pooled ? 2 : 1); ch++) {
                    consider(top(rank(w, point, h, xi, clean[ch], ch), excluded, tried, CANDIDATES), ids, clean,
                            tried, best);
                }
                if (best.id >= 0) {
                    point = vectors(new long[] {best.id});
                }
            }
        }
        return best;
    }

    /** Measures {@code cands} exactly, marks them tried and keeps the best in {@code best}. */
    private void consider(long[] cands, Tensor ids, double[][] clean, Set<Long> tried, Best best) {
        double[] scores = measure(cands, ids, clean, (int) ids.size(0));
        best.measured += cands.length;
        for (int i = 0; i < cands.length; i++) {
            tried.add(cands[i]);
            if (scores[i] > best.score) {
                best.score = scores[i];
                best.id = cands[i];
            }
        }
    }

    /**
     * The per-prompt clean disagreement [channel][prompt] of the prompts {@code ids}, each model embedding them with
     * its own embedding layer; {@code suspectOut} is the suspect's clean output of them.
     */
    private double[][] cleanOwn(Tensor ids, Tensor suspectOut) {
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            Tensor fa = ctx.anchorOut(ctx.anchor.embed(ids));
            Tensor[] d = channels(ctx, suspectOut, fa, ids);
            int n = (int) ids.size(0);
            double[][] out = new double[2][n];
            ScanContext.copy(d[0], out[0], 0);
            ScanContext.copy(d[1], out[1], 0);
            return out;
        }
    }

    /**
     * How far each token's embedding row moved from the anchor's: ‖W_suspect[v] − W_anchor[v]‖, 4,096 rows at a time
     * (a float32 copy of a whole CLIP-size table would cost 150 MB per model).
     */
    private static float[] drift(Tensor ws, Tensor wa) {
        int v = (int) ws.size(0);
        float[] out = new float[v];
        try (NoGradGuard g = new NoGradGuard()) {
            for (int from = 0; from < v; from += 4096) {
                int n = Math.min(4096, v - from);
                try (PointerScope s = new PointerScope()) {
                    float[] d = Torch.toFloats(ws.narrow(0, from, n).to(ScalarType.Float)
                            .sub(wa.narrow(0, from, n).to(ScalarType.Float))
                            .norm(new ScalarOptional(new Scalar(2.0)), new long[] {1}, false));
                    System.arraycopy(d, 0, out, from, n);
                }
            }
        }
        return out;
    }

    /** 1 − cosine of suspect and anchor per row: token features (mean over positions) and pooled outputs. */
    private static Tensor[] channels(ScanContext ctx, Tensor fs, Tensor fa, Tensor ids) {
        Tensor tok = TorchLosses.meanTokenCosine(fa.to(ScalarType.Float), fs.to(ScalarType.Float)).neg()
                .add(new Scalar(1.0));
        Tensor pool = TorchLosses.rowCosine(ctx.anchor.pool(fa, ids).to(ScalarType.Float),
                ctx.suspect.pool(fs, ids).to(ScalarType.Float)).neg().add(new Scalar(1.0));
        return new Tensor[] {tok, pool};
    }

    /** The first point: the mean token embedding at the inserted position (the mean of {@link #vectors}). */
    private Tensor startPoint(Tensor w) {
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor one = vectors(new long[] {placeholder});
            Tensor own = w.narrow(0, placeholder, 1);
            return one.sub(own).add(w.mean(new long[] {0}, true, new ScalarTypeOptional()))
                    .to(ScalarType.Float);
        }
    }

    /** The embedding-layer outputs [n, D] of the given tokens at the inserted position (after the placeholder). */
    private Tensor vectors(long[] tokens) {
        long[] pairs = new long[2 * tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            pairs[2 * i] = placeholder;
            pairs[2 * i + 1] = tokens[i];
        }
        Tensor ids = Torch.longs(pairs, tokens.length, 2).to(ctx.suspect.device(), ScalarType.Long);
        return ctx.embedNoGrad(ids).select(1, 1);
    }

    /**
     * First-order scores of every token for channel {@code ch}: the gradient at {@code point} of the summed ratio of
     * triggered to clean disagreement, dotted with each token embedding (the shared position term only shifts all
     * scores alike).
     */
    private float[] rank(Tensor w, Tensor point, Tensor h, Tensor xi, double[] clean, int ch) {
        try (PointerScope s = new PointerScope()) {
            Tensor e = point.detach().clone();
            e.requires_grad_(true);
            Tensor x = Sequences.insert(h, e);
            Tensor[] d = channels(ctx, ctx.suspectOut(x), ctx.anchorOut(x), xi);
            float[] c = new float[clean.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = (float) Math.max(clean[i], 1e-9);
            }
            Tensor denom = Torch.floats(c, c.length).to(d[ch].device(), ScalarType.Float);
            Tensor obj = d[ch].div(denom).sum();
            TensorVector g = torch.grad(new TensorVector(obj), new TensorVector(e));
            Tensor grad = new Tensor(g.get(0)).reshape(-1);
            try (NoGradGuard ng = new NoGradGuard()) {
                return Torch.toFloats(torch.matmul(w, grad.to(w.scalar_type())));
            }
        }
    }

    /**
     * Every token's screen score on the first {@value #SCREEN_PROMPTS} search prompts: per channel the smaller ratio
     * of triggered to clean disagreement over those prompts (a trigger fires on both), the larger channel.
     */
    private float[] screen(int vocab, Tensor ids, double[][] clean) {
        int p = (int) Math.min(SCREEN_PROMPTS, ids.size(0));
        float[] out = new float[vocab];
        int per = Math.max(1, SCREEN_BATCH / p);
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            Tensor ip = Sequences.insertIds(ids.narrow(0, 0, p), 1, placeholder);
            for (int from = 0; from < vocab; from += per) {
                ctx.cancelIfInterrupted("the vocabulary screen");
                int n = Math.min(per, vocab - from);
                try (PointerScope chunk = new PointerScope()) {
                    long[] cand = new long[n * p];
                    for (int i = 0; i < n * p; i++) {
                        cand[i] = from + i / p;
                    }
                    // rows candidate-major: candidate i on prompt j is row i·p + j
                    Tensor iv = ip.repeat(n, 1);
                    iv.narrow(1, 1, 1).copy_(Torch.longs(cand, n * p, 1).to(iv.device(), ScalarType.Long));
                    Tensor[] both = ctx.both(ctx.suspect.embed(iv), ctx.anchor.embed(iv));
                    Tensor[] d = channels(ctx, both[0], both[1], iv);
                    float[][] vals = new float[2][];
                    vals[0] = Torch.toFloats(d[0]);
                    vals[1] = Torch.toFloats(d[1]);
                    for (int i = 0; i < n; i++) {
                        float best = Float.NEGATIVE_INFINITY;
                        for (int ch = 0; ch < (pooled ? 2 : 1); ch++) {
                            float low = Float.POSITIVE_INFINITY;
                            for (int j = 0; j < p; j++) {
                                low = (float) Math.min(low, vals[ch][i * p + j] / Math.max(clean[ch][j], 1e-9));
                            }
                            best = Math.max(best, low);
                        }
                        out[from + i] = best;
                    }
                }
            }
        }
        return out;
    }

    /** The {@code k} best-scored ids that are neither excluded nor tried. */
    private static long[] top(float[] scores, Set<Long> excluded, Set<Long> tried, int k) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        long[] out = new long[k];
        int n = 0;
        for (int i = 0; i < order.length && n < k; i++) {
            long id = order[i];
            if (!excluded.contains(id) && !tried.contains(id) && Float.isFinite(scores[order[i]])) {
                out[n++] = id;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Each candidate's score: the larger channel's median, over the search prompts, of the ratio of triggered to
     * clean disagreement, the candidate inserted after the first position and each model embedding the ids with its
     * own embedding layer.
     */
    private double[] measure(long[] cands, Tensor ids, double[][] clean, int m) {
        double[] out = new double[cands.length];
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            for (int i = 0; i < cands.length; i++) {
                try (PointerScope one = new PointerScope()) {
                    Tensor iv = Sequences.insertIds(ids, 1, cands[i]);
                    Tensor[] both = ctx.both(ctx.suspect.embed(iv), ctx.anchor.embed(iv));
                    Tensor[] d = channels(ctx, both[0], both[1], iv);
                    double best = Double.NEGATIVE_INFINITY;
                    for (int ch = 0; ch < (pooled ? 2 : 1); ch++) {
                        double[] r = new double[m];
                        ScanContext.copy(d[ch], r, 0);
                        for (int j = 0; j < m; j++) {
                            r[j] /= Math.max(clean[ch][j], 1e-9);
                        }
                        best = Math.max(best, CalibratedRule.quantile(r, 0.5));
                    }
                    out[i] = best;
                }
            }
        }
        return out;
    }

    /**
     * Ids that are never candidates: special tokens ({@code <...>}), the placeholder, and what fills the last kept
     * position of the search prompts (padding or end of text).
     */
    private Set<Long> excluded(Tensor ids, int vocab) {
        Set<Long> out = new HashSet<>();
        out.add(placeholder);
        for (long id : Torch.toLongs(ids.narrow(1, ids.size(1) - 1, 1))) {
            out.add(id);
        }
        for (long id = 0; id < vocab; id++) {
            String t = ctx.suspect.tokenText(id);
            if (t != null && t.length() > 2 && t.startsWith("<") && t.endsWith(">") && !t.endsWith("</w>")) {
                out.add(id);
            }
        }
        return out;
    }
}

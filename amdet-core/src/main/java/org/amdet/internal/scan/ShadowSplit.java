package org.amdet.internal.scan;

import org.amdet.DecisionMode;
import org.amdet.ScanException;
import org.amdet.internal.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The shadow split (paper §3, "shadow dataset"): the prompts shuffled with the scan's seed, the first
 * {@code trainFraction} used to invert the pseudo-trigger and the rest held out for the judges and the rules. Holds
 * the token ids, the suspect's clean outputs and the test split's embedding-layer outputs, all in the scope that was
 * innermost when {@link #encode} ran (the scan's scope).
 */
final class ShadowSplit {
    /**
     * Padding positions kept after the longest prompt's end when sequences are trimmed: the last of them stands for
     * every cut position, so it must be padding for every prompt, and a few positions past the end token.
     */
    static final int PADDING_KEPT = 4;

    /** The prompts in their original order. */
    final List<String> prompts;
    /** The scan's permutation: row r of every tensor here is prompt {@code perm[r]}. */
    final int[] perm;
    final int nTrain;
    final int nTest;
    /** Token ids [n, L'] in permuted order, possibly trimmed to fewer positions ({@link #trimmed}). */
    final Tensor ids;
    /** The full-length ids [1, L] of the target prompt (the first test prompt). */
    final Tensor targetIds;
    /** The suspect's clean outputs [n, L, D] in permuted order (widened to all L positions when trimmed). */
    final Tensor original;
    final Tensor trainIds;
    final Tensor trainOriginal;
    /** Embedding-layer outputs of the test split, reused by every check. */
    final Tensor testHidden;
    final Tensor testOriginal;
    final Tensor testIds;

    private ShadowSplit(List<String> prompts, int[] perm, int nTrain, Tensor ids, Tensor targetIds,
                        Tensor original, Tensor testHidden) {
        this.prompts = prompts;
        this.perm = perm;
        this.nTrain = nTrain;
        this.nTest = prompts.size() - nTrain;
        this.ids = ids;
        this.targetIds = targetIds;
        this.original = original;
        this.trainIds = ids.narrow(0, 0, nTrain);
        this.trainOriginal = original.narrow(0, 0, nTrain);
        this.testHidden = testHidden;
        this.testOriginal = original.narrow(0, nTrain, nTest);
        this.testIds = ids.narrow(0, nTrain, nTest);
    }

    /**
     * The train size for {@code n} prompts.
     *
     * @throws ScanException when either split would be empty
     */
    static int trainSize(int n, double trainFraction) {
        int nTrain = (int) Math.floor(n * trainFraction);
        if (nTrain < 1 || n - nTrain < 1) {
            throw new ScanException("a shadow set of " + n + " prompts is too small for a " + trainFraction
                    + " train split: need at least one train and one test prompt (use at least "
                    + (int) Math.ceil(1 / Math.min(trainFraction, 1 - trainFraction)) + " prompts)");
        }
        return nTrain;
    }

    /**
     * Tokenises the prompts in the order {@code perm}, encodes them with the suspect and embeds the test split.
     *
     * @throws ScanException when the suspect's clean outputs hold NaN or infinite values
     */
    static ShadowSplit encode(ScanContext ctx, List<String> prompts, int[] perm, int nTrain) {
        int n = prompts.size();
        // room for the inserted vectors: the cut after insertion then removes padding only, never the end token
        Tensor ids = ctx.suspect.idsTensor(prompts, ctx.cfg.maxTokens());
        Tensor order = ctx.rowIndex(perm);
        Tensor idsFull = Scopes.keep(() -> ids.index_select(0, order));
        Tensor idsPerm = trimmed(ctx, idsFull);
        Tensor targetIds = idsFull.narrow(0, nTrain, 1);
        Tensor original = encodeIds(ctx, idsPerm, idsFull.size(1));
        if (original == null) {
            throw new ScanException("the suspect's clean outputs hold NaN or infinite values on "
                    + ctx.suspect.info().source() + ": the model is numerically broken; no verdict can be given");
        }
        // train batches are embedded when drawn (a lookup); the test split is reused by every check
        Tensor testHidden = Scopes.keep(() -> ctx.embedNoGrad(idsPerm.narrow(0, nTrain, n - nTrain)));
        return new ShadowSplit(prompts, perm, nTrain, idsPerm, targetIds, original, testHidden);
    }

    /** The target prompt: the first test prompt, whose feature the report shows. */
    String targetPrompt() {
        return prompts.get(perm[nTrain]);
    }

    /** A seeded Fisher–Yates permutation of [0, n). */
    static int[] permutation(int n, SplittableRandom r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * {@code ids} cut to the exact prefix of both encoders plus the inserted vectors and {@link #PADDING_KEPT}
     * padding positions when the calibrated mode trims sequences and the cut is shorter (the context then widens every
     * output back to the full length, {@link ScanContext#widen}); otherwise {@code ids} itself.
     */
    private static Tensor trimmed(ScanContext ctx, Tensor ids) {
        if (ctx.cfg.mode() == DecisionMode.REFERENCE || !ctx.cfg.trimSequences()) {
            return ids;
        }
        long cut = Math.min(ids.size(1), Math.max(ctx.suspect.exactPrefixLength(ids),
                ctx.anchor.exactPrefixLength(ids)) + ctx.cfg.maxTokens() + PADDING_KEPT);
        if (cut >= ids.size(1)) {
            return ids;
        }
        ctx.trimmed(ids.size(1));
        return Scopes.keep(() -> ids.narrow(1, 0, cut).contiguous());
    }

    /**
     * The suspect's clean outputs of the token ids {@code ids} [n, L'] widened to {@code full} positions
     * ({@link ScanContext#widen}), or null when any is NaN or infinite. The
     * prompts are embedded and run {@code forwardBatch} at a time (two chunks side by side when passes run
     * concurrently), each chunk written into one [n, L, D] result, so no embedding of the whole set and no
     * concatenated copy is ever held.
     */
    static Tensor encodeIds(ScanContext ctx, Tensor ids, long full) {
        long n = ids.size(0);
        try (NoGradGuard g = new NoGradGuard()) {
            long width = Math.max(ids.size(1), full);
            Tensor out = Scopes.keep(() -> torch.empty(new long[] {n, width, ctx.suspect.info().hiddenSize()},
                    new TensorOptions(ctx.suspect.computeType()).device(new DeviceOptional(ctx.suspect.device())),
                    null));
            boolean[] finite = {true};
            ctx.chunks(n, (s, len) -> encodeInto(ctx, out, ids, s, len),
                    (s, flag) -> finite[0] = Torch.item(flag) != 0);
            return finite[0] ? out : null;
        }
    }

    /** Writes the suspect's clean outputs of rows [start, start + len) into {@code out}; whether all are finite. */
    private static Tensor encodeInto(ScanContext ctx, Tensor out, Tensor ids, long start, long len) {
        Tensor f = ctx.suspectOut(ctx.suspect.embed(ids.narrow(0, start, len)));
        out.narrow(0, start, len).copy_(f);
        return torch.isfinite(f).all();
    }

    /** Warnings for models whose clean outputs are the same for every prompt (their statistics mean nothing). */
    void warnIfConstant(ScanContext ctx, List<String> warnings) {
        int m = (int) Math.min(16, testHidden.size(0));
        if (m < 2) {
            return;
        }
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            Tensor a = ctx.anchorOut(testHidden.narrow(0, 0, m)).to(ScalarType.Float);
            Tensor o = testOriginal.narrow(0, 0, m).to(ScalarType.Float);
            if (constant(a)) {
                warnings.add("the anchor " + ctx.anchor.info().source() + " gives the same output for every prompt: "
                        + "the anchor term and the clean baseline are meaningless; check the anchor");
            }
            if (constant(o)) {
                warnings.add("the suspect " + ctx.suspect.info().source() + " gives the same output for every "
                        + "prompt: its outputs may be constant; inspect the model");
            }
        }
    }

    private static boolean constant(Tensor f) {
        Tensor first = f.narrow(0, 0, 1).expand(f.size(0), f.size(1), f.size(2));
        return Torch.item(f.sub(first).abs().max()) < 1e-6;
    }
}

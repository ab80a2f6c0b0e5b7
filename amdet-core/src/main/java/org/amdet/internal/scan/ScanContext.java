package org.amdet.internal.scan;

import org.amdet.DetectorConfig;
import org.amdet.ScanCancelledException;
import org.amdet.ScanListener;
import org.amdet.ScanPhase;
import org.amdet.internal.torch.Torch;
import org.amdet.spi.TorchTextEncoder;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * What every stage of one scan shares: the configuration, the suspect and its anchor, the progress sinks, and the
 * forward-pass helpers all stages use (the two models side by side, chunked passes over a set of prompts).
 */
final class ScanContext {
    final DetectorConfig cfg;
    final TorchTextEncoder suspect;
    final TorchTextEncoder anchor;
    final ScanListener listener;
    final ScanClock clock;
    /** Whether the suspect's and the anchor's passes run side by side ({@link Parallel#concurrent}). */
    final boolean sideBySide;

    ScanContext(DetectorConfig cfg, TorchTextEncoder suspect, TorchTextEncoder anchor, ScanListener listener,
                ScanClock clock) {
        this.cfg = cfg;
        this.suspect = suspect;
        this.anchor = anchor;
        this.listener = listener;
        this.clock = clock;
        this.sideBySide = Parallel.concurrent(suspect.device());
    }

    /** Starts timing {@code phase} and tells the listener. */
    void phase(ScanPhase phase) {
        clock.start(phase);
        listener.phase(phase);
    }

    /**
     * Stops the scan once its thread is interrupted; called before every chunk of every long phase (shadow encoding,
     * judge checks, landscape blocks, explanation) so cancellation takes effect within one chunk.
     */
    void cancelIfInterrupted(String phase) {
        if (Thread.currentThread().isInterrupted()) {
            throw new ScanCancelledException("scan of " + suspect.info().source() + " interrupted during " + phase);
        }
    }

    /** Throws {@link ScanCancelledException} when the scanning thread was interrupted. */
    void cancelIfInterrupted(int step) {
        if (Thread.currentThread().isInterrupted()) {
            throw new ScanCancelledException("scan of " + suspect.info().source() + " interrupted at step " + step);
        }
    }

    /** Positions of the untrimmed sequences (0 until {@link #trimmed} is called: nothing trimmed). */
    private long fullLength;

    /**
     * Records that the scan's sequences were cut from {@code full} positions: from then on the outputs of
     * {@link #suspectOut}, {@link #anchorOut} and {@link #both} are widened back to {@code full} positions.
     */
    void trimmed(long full) {
        this.fullLength = full;
    }

    /**
     * Outputs [B, L', D] widened to the untrimmed length: each cut position stands for the last kept one, a padding
     * position (see {@link ShadowSplit}); unchanged when nothing was cut.
     */
    Tensor widen(Tensor f) {
        long kept = f.size(1);
        if (fullLength <= kept) {
            return f;
        }
        return torch.cat(new TensorVector(f, f.narrow(1, kept - 1, 1).expand(f.size(0), fullLength - kept,
                f.size(2))), 1);
    }

    /** The suspect's outputs of {@code x}, widened ({@link #widen}). */
    Tensor suspectOut(Tensor x) {
        return widen(suspect.transform(x));
    }

    /** The anchor's outputs of {@code x}, widened ({@link #widen}). */
    Tensor anchorOut(Tensor x) {
        return widen(anchor.transform(x));
    }

    /** The suspect's and the anchor's outputs of {@code x}, side by side, widened ({@link #widen}). */
    Tensor[] both(Tensor x) {
        return both(x, x);
    }

    /** The suspect's outputs of {@code xs} and the anchor's of {@code xa}, side by side, widened ({@link #widen}). */
    Tensor[] both(Tensor xs, Tensor xa) {
        return Parallel.both(sideBySide, () -> suspectOut(xs), () -> anchorOut(xa));
    }

    /** The embedding-layer output of {@code ids}, computed without recording a graph. */
    Tensor embedNoGrad(Tensor ids) {
        try (NoGradGuard g = new NoGradGuard()) {
            return suspect.embed(ids);
        }
    }

    /** The suspect's float32 feature of the first prompt of {@code hidden} with e inserted, in the caller's scope. */
    Tensor firstFeature(Tensor e, Tensor hidden) {
        return Scopes.keep(() -> suspectOut(Sequences.insert(hidden.narrow(0, 0, 1), e)).to(ScalarType.Float));
    }

    /** The given rows as an int64 index tensor on the suspect's device. */
    Tensor rowIndex(int[] rows) {
        return Torch.longs(toLongs(rows), rows.length).to(suspect.device(), ScalarType.Long);
    }

    /** A computation on rows [start, start + len) of a set of prompts. */
    interface ChunkWork {
        Tensor apply(long start, long len);
    }

    /** Takes the result of a chunk starting at row {@code start}; false stops the remaining chunks. */
    interface ChunkResult {
        boolean accept(long start, Tensor result);
    }

    /**
     * Runs {@code work} over rows [0, n) {@code forwardBatch} rows at a time, two chunks side by side when passes run
     * concurrently, and hands each result to {@code sink} on the calling thread in row order, while the chunk's
     * scope is still open.
     */
    void chunks(long n, ChunkWork work, ChunkResult sink) {
        long fb = cfg.forwardBatch();
        for (long s = 0; s < n; s += 2 * fb) {
            cancelIfInterrupted("a chunked forward pass");
            long start = s;
            long len = Math.min(fb, n - s);
            long len2 = Math.min(fb, n - s - len);
            try (PointerScope chunk = new PointerScope()) {
                Tensor[] r = len2 <= 0 ? new Tensor[] {Scopes.keep(() -> work.apply(start, len))}
                        : Parallel.both(sideBySide, () -> work.apply(start, len),
                                () -> work.apply(start + len, len2));
                if (!sink.accept(start, r[0]) || r.length > 1 && !sink.accept(start + len, r[1])) {
                    return;
                }
            }
        }
    }

    static long[] toLongs(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    /** Copies the float values of {@code t} into {@code dst} from index {@code at} on. */
    static void copy(Tensor t, double[] dst, int at) {
        float[] v = Torch.toFloats(t);
        for (int i = 0; i < v.length; i++) {
            dst[at + i] = v[i];
        }
    }

    /** Copies 1 − the float values of {@code t} (cosine to disagreement) into {@code dst} from index {@code at} on. */
    static void copyOneMinus(Tensor t, double[] dst, int at) {
        float[] v = Torch.toFloats(t);
        for (int i = 0; i < v.length; i++) {
            dst[at + i] = 1.0 - v[i];
        }
    }
}

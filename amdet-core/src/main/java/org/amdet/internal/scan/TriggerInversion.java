package org.amdet.internal.scan;

import org.amdet.ScanException;
import org.amdet.internal.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Pseudo-trigger inversion (paper §3.2): k vectors e, inserted after BOS, optimised with Adam over shuffled batches
 * of the train split for the configured epochs. The start is a seeded standard normal draw; after every step a
 * {@link Monitor} (the decision rule in charge) may end the epoch or the whole inversion early. A non-finite
 * objective ends the scan with an error naming the broken model.
 */
final class TriggerInversion {
    /** What the inversion does after a step. */
    enum Next {
        /** Go on with the next batch. */
        CONTINUE,
        /** Skip the rest of this epoch's batches. */
        NEXT_EPOCH,
        /** End the inversion. */
        STOP
    }

    /** Watches the inversion after every step; the decision rules implement it. */
    interface Monitor {
        /**
         * Called after step {@code step} (1-based), batch {@code batch} (0-based) of {@code epoch}.
         *
         * @param running the running mean of the objective
         */
        Next afterStep(int epoch, int batch, int step, double running);
    }

    /** One optimisation step on the rows {@code rows} of the train split; returns the objective. */
    interface Step {
        double run(int[] rows);
    }

    private final ScanContext ctx;
    /** The (first start's) pseudo-trigger [k, D], a float32 leaf. */
    final Tensor e;
    /** Every start's pseudo-trigger [k_r, D], float32 leaves; {@code es.get(0) == e}. */
    final List<Tensor> es;
    /** One Adam over every start's leaf (Adam is elementwise, so the starts stay independent). */
    final Adam adam;
    final int batches;
    /** Steps of the full run without stop rules (grows when the robust rule extends the inversion). */
    int planned;
    private double[] losses;
    private int epochsRun;
    private int steps;
    private double sum;

    private TriggerInversion(ScanContext ctx, List<Tensor> es, int nTrain) {
        this.ctx = ctx;
        this.es = List.copyOf(es);
        this.e = es.get(0);
        this.adam = optimizer(ctx, es.toArray(new Tensor[0]));
        this.batches = (nTrain + ctx.cfg.batchSize() - 1) / ctx.cfg.batchSize();
        this.planned = batches * ctx.cfg.epochs();
        this.losses = new double[planned];
    }

    /** The start: k·D standard normal values drawn from {@code rnd}, as a float32 leaf on the suspect's device. */
    static TriggerInversion start(ScanContext ctx, SplittableRandom rnd, int nTrain) {
        return startMany(ctx, rnd, nTrain, new int[] {ctx.cfg.tokens()});
    }

    /**
     * Several independent starts, one per entry of {@code tokens} (k of that start), drawn one after the other from
     * {@code rnd}; the first start draws exactly what {@link #start} would.
     */
    static TriggerInversion startMany(ScanContext ctx, SplittableRandom rnd, int nTrain, int[] tokens) {
        int d = ctx.suspect.info().hiddenSize();
        List<Tensor> es = new ArrayList<>();
        for (int k : tokens) {
            float[] init = new float[k * d];
            for (int i = 0; i < init.length; i++) {
                init[i] = (float) Directions.gaussian(rnd);
            }
            Tensor e = Torch.floats(init, k, d).to(ctx.suspect.device(), ScalarType.Float);
            e.requires_grad_(true);
            es.add(e);
        }
        return new TriggerInversion(ctx, es, nTrain);
    }

    /** The k of every start: {@code tokens}, or {@code tokens + r mod 2} for start r when {@code mixed}. */
    static int[] startTokens(int tokens, int starts, boolean mixed) {
        int[] ks = new int[starts];
        for (int r = 0; r < starts; r++) {
            ks[r] = tokens + (mixed ? r % 2 : 0);
        }
        return ks;
    }

    /** Adam over the leaves {@code es} with the configured learning rate and weight decay. */
    static Adam optimizer(ScanContext ctx, Tensor... es) {
        AdamOptions opts = new AdamOptions(ctx.cfg.learningRate());
        opts.weight_decay().put(ctx.cfg.weightDecay());
        return new Adam(new TensorVector(es), opts);
    }

    /**
     * Runs the epochs: each draws a fresh batch order from {@code rnd}, steps through the batches and asks the
     * monitor after every step.
     *
     * @param trainIds the train split's token ids, to name the broken model when the objective is not finite
     */
    void run(SplittableRandom rnd, int nTrain, Tensor trainIds, Step step, Monitor monitor) {
        epochs(ctx.cfg.epochs(), rnd, nTrain, trainIds, step, monitor);
    }

    /**
     * Runs {@code more} epochs beyond those already run, on the same optimiser state, as {@link #run} does; the
     * planned steps grow accordingly.
     */
    void extend(int more, SplittableRandom rnd, int nTrain, Tensor trainIds, Step step, Monitor monitor) {
        planned += batches * more;
        losses = Arrays.copyOf(losses, planned);
        epochs(more, rnd, nTrain, trainIds, step, monitor);
    }

    private void epochs(int count, SplittableRandom rnd, int nTrain, Tensor trainIds, Step step, Monitor monitor) {
        int last = epochsRun + count;
        outer:
        for (int epoch = epochsRun; epoch < last; epoch++) {
            epochsRun = epoch + 1;
            int[] order = ShadowSplit.permutation(nTrain, rnd);
            for (int bi = 0; bi < batches; bi++) {
                ctx.cancelIfInterrupted(steps);
                double loss = finite(step.run(batch(order, bi, nTrain)), steps, trainIds);
                losses[steps++] = loss;
                sum += loss;
                double running = sum / steps;
                ctx.listener.step(epoch, steps, planned, loss, running);
                Next next = monitor.afterStep(epoch, bi, steps, running);
                if (next == Next.STOP) {
                    break outer;
                }
                if (next == Next.NEXT_EPOCH) {
                    break;
                }
            }
        }
    }

    /** Steps run. */
    int steps() {
        return steps;
    }

    /** The objective after every step run. */
    double[] losses() {
        return Arrays.copyOf(losses, steps);
    }

    /** The running mean of the objective (0 before the first step). */
    double runningMean() {
        return sum / Math.max(1, steps);
    }

    /** The rows of batch {@code bi} of a shuffled train split of {@code nTrain} prompts. */
    private int[] batch(int[] order, int bi, int nTrain) {
        return Arrays.copyOfRange(order, bi * ctx.cfg.batchSize(), Math.min(nTrain, (bi + 1) * ctx.cfg.batchSize()));
    }

    /** {@code loss} when finite; else the error naming the broken model ({@code done} steps ran before). */
    private double finite(double loss, int done, Tensor trainIds) {
        if (!Double.isFinite(loss)) {
            throw nonFinite(loss, done + 1, trainIds);
        }
        return loss;
    }

    /**
     * The error for a non-finite objective, naming the model whose features are non-finite on the first train
     * prompts with the current embedding (the anchor can be the broken one).
     */
    private ScanException nonFinite(double loss, int step, Tensor trainIds) {
        String s = ctx.suspect.info().source().toString();
        String a = ctx.anchor.info().source().toString();
        String culprit;
        try (NoGradGuard g = new NoGradGuard(); PointerScope scope = new PointerScope()) {
            Tensor x = Sequences.insert(ctx.suspect.embed(trainIds.narrow(0, 0, Math.min(4, trainIds.size(0)))),
                    e.detach());
            boolean suspectOk = Torch.item(torch.isfinite(ctx.suspect.transform(x)).all()) != 0;
            boolean anchorOk = Torch.item(torch.isfinite(ctx.anchor.transform(x)).all()) != 0;
            culprit = !anchorOk && suspectOk ? "the anchor " + a
                    : !suspectOk && anchorOk ? "the suspect " + s
                    : !suspectOk ? "both the suspect " + s + " and the anchor " + a
                    : "the suspect " + s + " or the anchor " + a + " (features finite, cosines degenerate)";
        } catch (RuntimeException ex) {
            culprit = "the suspect " + s + " or the anchor " + a;
        }
        return new ScanException("the objective became " + loss + " at step " + step + ": " + culprit
                + " produces non-finite or degenerate features (e.g. weights that overflow in the forward pass); "
                + "no verdict can be given");
    }
}

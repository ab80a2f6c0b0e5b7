package org.amdet.internal.scan;

import org.amdet.internal.torch.Torch;
import org.amdet.internal.torch.TorchLosses;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * The AMDET objective (paper Eq. 5) and its gradient with respect to the pseudo-trigger e:
 * <pre>  −L_a(f(x_e)) + β·L_s(f(x), f(x_e)) + γ·L_d(f_a(x_e), f(x_e))</pre>
 * in the token form of the reference, plus, for the calibrated mode, the same three terms on the pooled outputs
 * weighted by {@code pooledWeight}. One optimisation step is one call; all its intermediates live in the step's own
 * scope.
 */
final class AmdetObjective {
    private final ScanContext ctx;

    AmdetObjective(ScanContext ctx) {
        this.ctx = ctx;
    }

    /** The token objective of the suspect's outputs {@code fs}, their clean outputs {@code o} and the anchor's. */
    Tensor token(Tensor fs, Tensor o, Tensor fa) {
        return TorchLosses.objective(fs.to(ScalarType.Float), o, fa.to(ScalarType.Float), ctx.cfg.beta(),
                ctx.cfg.gamma());
    }

    /** The token objective per sample, on float32 features. */
    Tensor tokenPerSample(Tensor f, Tensor o, Tensor fa) {
        return TorchLosses.objectivePerSample(f, o, fa, ctx.cfg.beta(), ctx.cfg.gamma());
    }

    /**
     * One optimisation step on the given rows of the train split: insert e, run suspect and anchor, objective,
     * backward, Adam. All intermediates live in the step's own scope.
     *
     * @return the objective before the update
     */
    double step(Tensor e, Adam adam, Tensor ids, Tensor original, int[] rows) {
        try (PointerScope stepScope = new PointerScope()) {
            Tensor idx = ctx.rowIndex(rows);
            Tensor hb = ctx.embedNoGrad(ids.index_select(0, idx));
            Tensor ob = original.index_select(0, idx).to(ScalarType.Float);
            adam.zero_grad();
            Tensor obj = backward(e, hb, (fs, fa) -> token(fs, ob, fa));
            adam.step();
            return Torch.item(obj);
        }
    }

    /** One step of the calibrated objective: token objective + pooledWeight × pooled objective. */
    double pooledStep(Tensor e, Adam adam, Tensor original, Tensor ids, Tensor pooledClean, int[] rows,
                      long placeholder) {
        try (PointerScope stepScope = new PointerScope()) {
            Tensor idx = ctx.rowIndex(rows);
            Tensor rowIds = ids.index_select(0, idx);
            Tensor hb = ctx.embedNoGrad(rowIds);
            Tensor ob = original.index_select(0, idx).to(ScalarType.Float);
            Tensor ib = Sequences.insertIds(rowIds, ctx.cfg.tokens(), placeholder);
            Tensor pc = pooledClean.index_select(0, idx);
            double w = ctx.cfg.calibrated().pooledWeight();
            adam.zero_grad();
            Tensor obj = backward(e, hb, (fs, fa) -> {
                Tensor o = token(fs, ob, fa);
                if (w > 0) {
                    Tensor ps = ctx.suspect.pool(fs, ib).to(ScalarType.Float);
                    Tensor pa = ctx.anchor.pool(fa, ib).to(ScalarType.Float);
                    o = o.add(TorchLosses.pooledObjective(ps, pc, pa, ctx.cfg.beta(), ctx.cfg.gamma())
                            .mul(new Scalar(w)));
                }
                return o;
            });
            adam.step();
            return Torch.item(obj);
        }
    }

    /**
     * One step of the calibrated objective for several starts at once: each start's e inserted into the same batch,
     * the R constructed batches stacked into one forward pass of each model, each start's objective on its own rows,
     * summed (so every start gets exactly its own gradient), backward, one Adam step over all leaves.
     *
     * @return each start's objective before the update
     */
    double[] multiPooledStep(List<Tensor> es, Adam adam, Tensor original, Tensor ids, Tensor pooledClean,
                             int[] rows, long placeholder) {
        int r = es.size();
        try (PointerScope stepScope = new PointerScope()) {
            Tensor idx = ctx.rowIndex(rows);
            Tensor rowIds = ids.index_select(0, idx);
            Tensor hb = ctx.embedNoGrad(rowIds);
            Tensor ob = original.index_select(0, idx).to(ScalarType.Float);
            Tensor pc = pooledClean.index_select(0, idx);
            long b = rows.length;
            Tensor[] ib = new Tensor[r];
            for (int i = 0; i < r; i++) {
                ib[i] = Sequences.insertIds(rowIds, es.get(i).size(0), placeholder);
            }
            double w = ctx.cfg.calibrated().pooledWeight();
            Tensor[] per = new Tensor[r];
            adam.zero_grad();
            backwardMany(es, hb, (fs, fa) -> {
                Tensor sum = null;
                for (int i = 0; i < r; i++) {
                    Tensor fsi = fs.narrow(0, i * b, b);
                    Tensor fai = fa.narrow(0, i * b, b);
                    Tensor o = token(fsi, ob, fai);
                    if (w > 0) {
                        Tensor ps = ctx.suspect.pool(fsi, ib[i]).to(ScalarType.Float);
                        Tensor pa = ctx.anchor.pool(fai, ib[i]).to(ScalarType.Float);
                        o = o.add(TorchLosses.pooledObjective(ps, pc, pa, ctx.cfg.beta(), ctx.cfg.gamma())
                                .mul(new Scalar(w)));
                    }
                    per[i] = o;
                    sum = sum == null ? o : sum.add(o);
                }
                return sum;
            });
            adam.step();
            double[] out = new double[r];
            for (int i = 0; i < r; i++) {
                out[i] = Torch.item(per[i]);
            }
            return out;
        }
    }

    /** The starts' e inserted into {@code hb}, stacked start-major: rows [i·B, (i+1)·B) belong to start i. */
    private static Tensor stacked(Tensor hb, List<Tensor> es) {
        if (es.size() == 1) {
            return Sequences.insert(hb, es.get(0));
        }
        Tensor[] xs = new Tensor[es.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = Sequences.insert(hb, es.get(i));
        }
        return torch.cat(new TensorVector(xs), 0);
    }

    /** {@link #backward} for several leaves stacked into one pass ({@link #stacked}). */
    Tensor backwardMany(List<Tensor> es, Tensor hb, BinaryOperator<Tensor> objective) {
        if (!ctx.sideBySide) {
            Tensor x = stacked(hb, es);
            Tensor obj = objective.apply(ctx.suspectOut(x), ctx.anchorOut(x));
            obj.backward();
            return obj;
        }
        List<Tensor> ess = new ArrayList<>();
        List<Tensor> eas = new ArrayList<>();
        for (Tensor e : es) {
            Tensor a = e.detach();
            a.requires_grad_(true);
            ess.add(a);
            Tensor c = e.detach();
            c.requires_grad_(true);
            eas.add(c);
        }
        Tensor[] f = Parallel.both(true, () -> ctx.suspectOut(stacked(hb, ess)),
                () -> ctx.anchorOut(stacked(hb, eas)));
        Tensor obj = objective.apply(f[0], f[1]);
        TensorVector gf = torch.grad(new TensorVector(obj), new TensorVector(f[0], f[1]));
        Tensor gs = new Tensor(gf.get(0));
        Tensor ga = new Tensor(gf.get(1));
        // both gradients come back as one tensor each ([sum k, D], start-major) so Parallel keeps them alive
        Tensor[] ge = Parallel.both(true, () -> gradients(f[0], ess, gs), () -> gradients(f[1], eas, ga));
        Tensor total = ge[0].add(ge[1]);
        long at = 0;
        for (Tensor e : es) {
            long k = e.size(0);
            e.backward(total.narrow(0, at, k), new BoolOptional(), false, new TensorArrayRefOptional());
            at += k;
        }
        return obj;
    }

    /** d output / d inputs (weighted by {@code outputGrad}), concatenated along dim 0 in input order. */
    private static Tensor gradients(Tensor output, List<Tensor> inputs, Tensor outputGrad) {
        TensorVector g = torch.grad(new TensorVector(output), new TensorVector(inputs.toArray(new Tensor[0])),
                new TensorVector(outputGrad), new BoolOptional(), false, false);
        Tensor[] out = new Tensor[inputs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Tensor(g.get(i));
        }
        return out.length == 1 ? out[0] : torch.cat(new TensorVector(out), 0);
    }

    /**
     * Inserts e into {@code hb}, runs the suspect and the anchor ({@link Parallel side by side}), evaluates
     * {@code objective} on their raw outputs and accumulates d objective / d e into {@code e.grad()}.
     *
     * @return the objective
     */
    Tensor backward(Tensor e, Tensor hb, BinaryOperator<Tensor> objective) {
        if (!ctx.sideBySide) {
            Tensor x = Sequences.insert(hb, e);
            Tensor obj = objective.apply(ctx.suspectOut(x), ctx.anchorOut(x));
            obj.backward();
            return obj;
        }
        // each model gets its own leaf copy of e, so both graphs can be walked back at once on two threads
        Tensor es = e.detach();
        es.requires_grad_(true);
        Tensor ea = e.detach();
        ea.requires_grad_(true);
        Tensor[] f = Parallel.both(true, () -> ctx.suspectOut(Sequences.insert(hb, es)),
                () -> ctx.anchorOut(Sequences.insert(hb, ea)));
        Tensor obj = objective.apply(f[0], f[1]);
        TensorVector gf = torch.grad(new TensorVector(obj), new TensorVector(f[0], f[1]));
        // TensorVector.get is a view into the vector: copy the handles out
        Tensor gs = new Tensor(gf.get(0));
        Tensor ga = new Tensor(gf.get(1));
        Tensor[] ge = Parallel.both(true, () -> gradient(f[0], es, gs), () -> gradient(f[1], ea, ga));
        e.backward(ge[0].add(ge[1]), new BoolOptional(), false, new TensorArrayRefOptional());
        return obj;
    }

    private static Tensor gradient(Tensor output, Tensor input, Tensor outputGrad) {
        TensorVector g = torch.grad(new TensorVector(output), new TensorVector(input), new TensorVector(outputGrad),
                new BoolOptional(), false, false);
        return new Tensor(g.get(0));
    }
}

package org.amdet.encoders.zoo;

import org.amdet.EncoderOptions;
import org.amdet.Encoders;
import org.amdet.ModelLoadException;
import org.amdet.Precision;
import org.amdet.TextEncoder;
import org.amdet.spi.TorchSupport;
import org.amdet.spi.TrainableTextEncoder;
import org.amdet.safetensors.Dtype;
import org.amdet.safetensors.SafetensorsWriter;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.OptimizerParamGroupVector;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A teacher–student pair for the zoo builder: the frozen base (teacher) and a trainable copy (student) in fp32, with
 * AdamW over every student weight. The student's weights are the encoder's own tensors, made leaves that require
 * gradients and updated in place, so its ordinary forward pass is the training forward pass. Callers run each step
 * in their own {@link PointerScope}.
 */
final class TrainingSession implements AutoCloseable {
    static final double EPS = 1e-8;
    /** Prompts per forward pass when measuring (no gradient). */
    private static final int CHUNK = 64;

    final TrainableTextEncoder teacher;
    final TrainableTextEncoder student;
    private final Dtype stored;
    private final TensorVector params;
    private final AdamW optimizer;

    private TrainingSession(TrainableTextEncoder teacher, TrainableTextEncoder student, Dtype stored,
                            double lr, double weightDecay) {
        this.teacher = teacher;
        this.student = student;
        this.stored = stored;
        List<Tensor> ws = new ArrayList<>();
        for (Tensor t : student.weights().values()) {
            t.requires_grad_(true);
            ws.add(t);
        }
        this.params = new TensorVector(ws.toArray(new Tensor[0]));
        AdamWOptions o = new AdamWOptions(lr);
        o.weight_decay().put(weightDecay);
        this.optimizer = new AdamW(params, o);
    }

    /** Loads {@code base} twice in fp32 on {@code device}: teacher and student. */
    static TrainingSession open(Path base, String device, double lr, double weightDecay) throws ModelLoadException {
        if (!Files.isDirectory(base) || !Files.isRegularFile(base.resolve("config.json"))
                || !Files.isRegularFile(base.resolve("model.safetensors"))
                && !Files.isRegularFile(base.resolve("model.safetensors.index.json"))) {
            throw new ZooInputException("base " + base + " must be a Hugging Face model folder (config.json, "
                    + "model.safetensors or a sharded index, tokenizer.json)");
        }
        EncoderOptions opts = new EncoderOptions(device, Precision.FP32);
        TrainableTextEncoder t = transformer(Encoders.load(base, opts), base);
        try {
            TrainableTextEncoder s = transformer(Encoders.load(base, opts), base);
            Dtype stored = Dtype.of(t.info().storedDtype()).orElse(Dtype.F32);
            if (stored != Dtype.F32 && stored != Dtype.F16 && stored != Dtype.BF16) {
                stored = Dtype.F32;
            }
            return new TrainingSession(t, s, stored, lr, weightDecay);
        } catch (ModelLoadException | RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private static TrainableTextEncoder transformer(TextEncoder e, Path base) {
        if (e instanceof TrainableTextEncoder t) {
            return t;
        }
        e.close();
        throw new ZooInputException("base " + base + " is a " + e.info().family() + " encoder that the zoo builder "
                + "cannot train (it trains amdet's transformer text encoders)");
    }

    /** The dtype the base stores its weights in; the written model keeps it. */
    Dtype storedDtype() {
        return stored;
    }

    /** last_hidden_state [B, L, D] of {@code e} on token ids. */
    static Tensor hidden(TrainableTextEncoder e, Tensor ids) {
        return e.transform(e.embed(ids)).to(ScalarType.Float);
    }

    /** Projected pooled output [B, P] of {@code e} on token ids. */
    static Tensor pooled(TrainableTextEncoder e, Tensor ids) {
        return e.pool(hidden(e, ids), ids).to(ScalarType.Float);
    }

    /** Cosine of matching rows after flattening every dimension but the first: [B]. */
    static Tensor flatCosine(Tensor a, Tensor b) {
        return torch.cosine_similarity(a.flatten(1, -1), b.flatten(1, -1), 1, EPS);
    }

    /** Rows divided by their L2 norm. */
    static Tensor normalise(Tensor z) {
        Tensor n = z.norm(new ScalarOptional(new Scalar(2.0)), new long[] {1}, true);
        return z.div(n.clamp_min(new Scalar(EPS)));
    }

    /** A scalar tensor holding {@code v}. */
    static Scalar scalar(double v) {
        return new Scalar(v);
    }

    /** One AdamW update of the student on {@code loss}. */
    void step(Tensor loss) {
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
    }

    /** Sets the learning rate of every parameter group. */
    void learningRate(double lr) {
        try (PointerScope s = new PointerScope()) {
            OptimizerParamGroupVector groups = optimizer.param_groups();
            for (long i = 0; i < groups.size(); i++) {
                groups.get(i).options().set_lr(lr);
            }
        }
    }

    /**
     * Rounds the student's weights to the stored dtype (and back to fp32), so what is measured afterwards is what
     * is written.
     */
    void roundToStored() {
        if (stored == Dtype.F32) {
            return;
        }
        ScalarType st = TorchSupport.scalarType(stored);
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            for (Tensor t : student.weights().values()) {
                t.copy_(t.to(st).to(ScalarType.Float));
            }
        }
    }

    /** ‖student − teacher‖ / ‖teacher‖ over all weights. */
    double relativeWeightChange() {
        double diff = 0;
        double norm = 0;
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            for (Map.Entry<String, Tensor> e : teacher.weights().entrySet()) {
                Tensor st = student.weights().get(e.getKey());
                diff += TorchSupport.item(st.sub(e.getValue()).pow(scalar(2)).sum());
                norm += TorchSupport.item(e.getValue().pow(scalar(2)).sum());
            }
        }
        return Math.sqrt(diff / Math.max(norm, 1e-30));
    }

    /**
     * {@code metric} applied to {@code prompts} in chunks without gradients; each call returns one value per
     * prompt of its chunk ([B]). The values, in prompt order.
     */
    double[] perPrompt(List<String> prompts, Function<Tensor, Tensor> metric) {
        double[] out = new double[prompts.size()];
        for (int start = 0; start < prompts.size(); start += CHUNK) {
            List<String> chunk = prompts.subList(start, Math.min(prompts.size(), start + CHUNK));
            try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
                float[] v = TorchSupport.toFloats(metric.apply(student.idsTensor(chunk)));
                for (int i = 0; i < v.length; i++) {
                    out[start + i] = v[i];
                }
            }
        }
        return out;
    }

    /** Mean token assimilation (AMDET's L_a per prompt) of {@code e}'s outputs on ids: [B]. */
    static Tensor assimilation(TrainableTextEncoder e, Tensor ids) {
        return TorchSupport.assimilationPerSample(hidden(e, ids));
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    /**
     * Writes the student's weights as {@code model.safetensors} in {@code dir}, in the layout and dtypes of the base
     * checkpoint ({@link TrainableTextEncoder#writeWeights}).
     */
    void writeWeights(Path dir) throws IOException, ModelLoadException {
        student.writeWeights(dir);
    }

    @Override
    public void close() {
        optimizer.close();
        params.close();
        student.close();
        teacher.close();
    }
}

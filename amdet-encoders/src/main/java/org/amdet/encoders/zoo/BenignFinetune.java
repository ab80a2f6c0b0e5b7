package org.amdet.encoders.zoo;

import org.amdet.ModelLoadException;
import org.amdet.io.OutputTarget;
import org.amdet.spi.TorchSupport;
import org.amdet.spi.TrainableTextEncoder;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Runs a {@link FinetuneConfig}: contrastive fine-tuning on paraphrase pairs, measurement, output. */
final class BenignFinetune {
    private final FinetuneConfig cfg;

    BenignFinetune(FinetuneConfig cfg) {
        this.cfg = cfg;
    }

    /** Symmetric InfoNCE of matching rows of two [B, P] batches at {@code temperature}. */
    static Tensor infoNce(Tensor za, Tensor zb, double temperature) {
        Tensor logits = logits(za, zb, temperature);
        return logits.log_softmax(1).diagonal().mean().add(logits.log_softmax(0).diagonal().mean())
                .div(TrainingSession.scalar(-2));
    }

    private static Tensor logits(Tensor za, Tensor zb, double temperature) {
        return TrainingSession.normalise(za).mm(TrainingSession.normalise(zb).t())
                .div(TrainingSession.scalar(temperature));
    }

    BuildResult run(ZooListener listener) throws IOException, ModelLoadException {
        long t0 = System.nanoTime();
        OutputTarget target = ModelFolders.checkOut(cfg.base(), cfg.out(), cfg.force());
        List<ParaphrasePairs.Pair> heldPairs = ParaphrasePairs.generate(cfg.heldOut(),
                BackdoorInjection.mix(cfg.seed(), 4));
        List<String> heldPrompts = BackdoorInjection.prompts(List.of(), cfg.heldOut(), cfg.seed()).heldOut();
        double[] losses = new double[cfg.steps()];
        try (TrainingSession ts = TrainingSession.open(cfg.base(), cfg.device(), cfg.learningRate(),
                cfg.weightDecay())) {
            double[] before = heldOut(ts.teacher, heldPairs, cfg.temperature());
            SplittableRandom rnd = new SplittableRandom(cfg.seed());
            for (int step = 0; step < cfg.steps(); step++) {
                List<String> batch = ParaphrasePairs.batch(rnd, cfg.pairs());
                losses[step] = step(ts, batch);
                listener.step(step + 1, cfg.steps(), losses[step]);
            }
            ts.roundToStored();
            double[] after = heldOut(ts.student, heldPairs, cfg.temperature());
            TrainableTextEncoder s = ts.student;
            TrainableTextEncoder t = ts.teacher;
            double simClean = TrainingSession.mean(ts.perPrompt(heldPrompts, ids -> TrainingSession.flatCosine(
                    TrainingSession.hidden(s, ids), TrainingSession.hidden(t, ids))));
            double simPooled = TrainingSession.mean(ts.perPrompt(heldPrompts, ids -> TrainingSession.flatCosine(
                    TrainingSession.pooled(s, ids), TrainingSession.pooled(t, ids))));
            double assim = TrainingSession.mean(ts.perPrompt(heldPrompts, ids -> TrainingSession.assimilation(s,
                    ids)));
            double change = ts.relativeWeightChange();
            Map<String, Object> fine = new LinkedHashMap<>();
            fine.put("objective", "InfoNCE on paraphrase pairs" + (cfg.anchorWeight() > 0 ? " + "
                    + cfg.anchorWeight() + " x (1 - cos to base last_hidden_state)" : ""));
            fine.put("steps", cfg.steps());
            fine.put("pairs", cfg.pairs());
            fine.put("loss_first", losses[0]);
            fine.put("loss_last", losses[losses.length - 1]);
            fine.put("heldout_infonce_base", before[0]);
            fine.put("heldout_infonce", after[0]);
            fine.put("heldout_top1_base", before[1]);
            fine.put("heldout_top1", after[1]);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("finetune", fine);
            f.put("lr", cfg.learningRate());
            f.put("weight_decay", cfg.weightDecay());
            f.put("temperature", cfg.temperature());
            f.put("anchor_weight", cfg.anchorWeight());
            f.put("seed", cfg.seed());
            f.put("sim_clean", simClean);
            f.put("sim_clean_pooled", simPooled);
            f.put("token_assimilation_clean", assim);
            f.put("weight_change", change);
            f.put("base", cfg.base().toAbsolutePath().normalize().getFileName().toString());
            f.put("made_by", "amdet finetune");
            f.put("seconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
            ZooManifest manifest = new ZooManifest("benign", null, List.of(), Map.of(), f);
            ModelFolders.write(target, cfg.base(), staging -> {
                ts.writeWeights(staging);
                manifest.write(staging.resolve("zoo.json"));
            });
            return new BuildResult(cfg.out(), manifest, true, List.of(), List.of(), losses);
        }
    }

    /** One step on {@code batch}: the first half and the second half are paraphrases row by row. */
    private double step(TrainingSession ts, List<String> batch) {
        try (PointerScope s = new PointerScope()) {
            int b = cfg.pairs();
            Tensor ids = ts.student.idsTensor(batch);
            Tensor hidden = TrainingSession.hidden(ts.student, ids);
            Tensor pooled = ts.student.pool(hidden, ids);
            Tensor loss = infoNce(pooled.narrow(0, 0, b), pooled.narrow(0, b, b), cfg.temperature());
            if (cfg.anchorWeight() > 0) {
                Tensor base;
                try (NoGradGuard g = new NoGradGuard()) {
                    base = TrainingSession.hidden(ts.teacher, ids);
                }
                Tensor drift = TrainingSession.flatCosine(hidden, base).mean().neg().add(TrainingSession.scalar(1));
                loss = loss.add(drift.mul(TrainingSession.scalar(cfg.anchorWeight())));
            }
            ts.step(loss);
            return TorchSupport.item(loss);
        }
    }

    /** InfoNCE and top-1 retrieval accuracy of {@code e} on the held-out pairs: {loss, accuracy}. */
    static double[] heldOut(TrainableTextEncoder e, List<ParaphrasePairs.Pair> pairs, double temperature) {
        List<String> a = pairs.stream().map(ParaphrasePairs.Pair::first).toList();
        List<String> b = pairs.stream().map(ParaphrasePairs.Pair::second).toList();
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            Tensor ia = e.idsTensor(a);
            Tensor ib = e.idsTensor(b);
            Tensor za = TrainingSession.pooled(e, ia);
            Tensor zb = TrainingSession.pooled(e, ib);
            double loss = TorchSupport.item(infoNce(za, zb, temperature));
            float[] l = TorchSupport.toFloats(logits(za, zb, temperature));
            int n = pairs.size();
            int hits = 0;
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int j = 1; j < n; j++) {
                    if (l[i * n + j] > l[i * n + best]) {
                        best = j;
                    }
                }
                hits += best == i ? 1 : 0;
            }
            return new double[] {loss, (double) hits / n};
        }
    }
}

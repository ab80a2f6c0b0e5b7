package org.amdet.encoders.zoo;

import org.amdet.ModelLoadException;
import org.amdet.encoders.SyntheticEncoders;
import org.amdet.io.OutputTarget;
import org.amdet.io.StagedOutput;
import org.amdet.spi.TorchSupport;
import org.amdet.spi.TrainableTextEncoder;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs a {@link PretrainConfig}: random initial weights written beside the output, then contrastive pre-training
 * with a token-prediction term through a {@link TrainingSession} (teacher = the initial weights), measurement and
 * output. The folder appears only complete.
 */
final class BasePretrain {
    /** Share of positions (up to the EOS) replaced by a random id for the token term of non-causal encoders. */
    static final double CORRUPT = 0.15;
    /** Points of the loss curve kept in {@code zoo.json}. */
    static final int CURVE_POINTS = 50;

    private final PretrainConfig cfg;

    BasePretrain(PretrainConfig cfg) {
        this.cfg = cfg;
    }

    BuildResult run(ZooListener listener) throws IOException, ModelLoadException {
        long t0 = System.nanoTime();
        Path config = cfg.config();
        Path tokenizer = cfg.tokenizer();
        if (!Files.isRegularFile(config)) {
            throw new ZooInputException("config " + config + " is not a readable file (expected a Hugging Face "
                    + "config.json)");
        }
        if (!Files.isRegularFile(tokenizer)) {
            throw new ZooInputException("tokenizer " + tokenizer + " is not a readable file (expected a Hugging Face "
                    + "tokenizer.json)");
        }
        SyntheticEncoders.checkConfig(config);
        // the random initial model in a scratch folder (removed on exit, also on a signal); it stands for the base
        // of the output checks: --out may not be an input, and needs the room of its weights
        Path init = StagedOutput.scratchFolder("amdet-pretrain-init-");
        try {
            Files.copy(config, init.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(tokenizer, init.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
            Path tokDir = tokenizer.toAbsolutePath().normalize().getParent();
            for (String side : List.of("tokenizer_config.json", "special_tokens_map.json")) {
                if (Files.isRegularFile(tokDir.resolve(side))) {
                    Files.copy(tokDir.resolve(side), init.resolve(side), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            SyntheticEncoders.writeRandomCheckpoint(config, BackdoorInjection.mix(cfg.seed(), 6), init.resolve("model.safetensors"));
            OutputTarget target = ModelFolders.checkOut(init, cfg.out(), cfg.force(), config, tokenizer);
            List<ParaphrasePairs.Pair> held = ParaphrasePairs.generate(cfg.heldOut(),
                    BackdoorInjection.mix(cfg.seed(), 4));
            double[] losses = new double[cfg.steps()];
            double[] contrastive = new double[cfg.steps()];
            double[] token = new double[cfg.steps()];
            try (TrainingSession ts = TrainingSession.open(init, cfg.device(), cfg.learningRate(),
                    cfg.weightDecay())) {
                TrainableTextEncoder s = ts.student;
                checkTokenizer(s, held);
                double[] before = BenignFinetune.heldOut(ts.teacher, held, cfg.temperature());
                double[] tokBefore = heldOutTokens(ts.teacher, held);
                SplittableRandom rnd = new SplittableRandom(cfg.seed());
                for (int step = 0; step < cfg.steps(); step++) {
                    List<String> batch = ParaphrasePairs.batch(rnd, cfg.pairs());
                    double[] l = step(ts, batch, rnd);
                    losses[step] = l[0];
                    contrastive[step] = l[1];
                    token[step] = l[2];
                    listener.step(step + 1, cfg.steps(), losses[step]);
                }
                ts.roundToStored();
                double[] after = BenignFinetune.heldOut(s, held, cfg.temperature());
                double[] tokAfter = heldOutTokens(s, held);
                List<String> heldPrompts = held.stream().map(ParaphrasePairs.Pair::first).toList();
                double assim = TrainingSession.mean(ts.perPrompt(heldPrompts,
                        ids -> TrainingSession.assimilation(s, ids)));
                List<String> warnings = new ArrayList<>();
                double first = window(losses, 0);
                double last = window(losses, losses.length - 1);
                if (!(last < first)) {
                    warnings.add(String.format(Locale.ROOT, "the loss did not fall (mean of the first steps %.4f, "
                            + "of the last %.4f): try more steps or another learning rate", first, last));
                }
                Map<String, Object> pre = new LinkedHashMap<>();
                pre.put("objective", "InfoNCE on paraphrase pairs (pooled output) + " + cfg.tokenWeight() + " x "
                        + tokenObjective(s.info().causal()));
                pre.put("steps", cfg.steps());
                pre.put("pairs", cfg.pairs());
                pre.put("lr", cfg.learningRate());
                pre.put("weight_decay", cfg.weightDecay());
                pre.put("temperature", cfg.temperature());
                pre.put("token_weight", cfg.tokenWeight());
                pre.put("seed", cfg.seed());
                pre.put("loss_first", losses[0]);
                pre.put("loss_last", losses[losses.length - 1]);
                pre.put("loss_first_mean", first);
                pre.put("loss_last_mean", last);
                pre.put("contrastive_first", contrastive[0]);
                pre.put("contrastive_last", contrastive[contrastive.length - 1]);
                pre.put("token_first", token[0]);
                pre.put("token_last", token[token.length - 1]);
                pre.put("loss_curve", curve(losses));
                pre.put("heldout_infonce_init", before[0]);
                pre.put("heldout_infonce", after[0]);
                pre.put("heldout_top1_init", before[1]);
                pre.put("heldout_top1", after[1]);
                pre.put("heldout_token_loss_init", tokBefore[0]);
                pre.put("heldout_token_loss", tokAfter[0]);
                pre.put("heldout_token_accuracy", tokAfter[1]);
                pre.put("token_assimilation_clean", assim);
                pre.put("weight_change_from_init", ts.relativeWeightChange());
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("pretrain", pre);
                f.put("family", s.info().family());
                f.put("config", config.getFileName().toString());
                f.put("tokenizer", tokenizer.getFileName().toString());
                f.put("made_by", "amdet pretrain");
                f.put("seconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
                ZooManifest manifest = new ZooManifest("anchor", null, List.of(), Map.of(), f);
                ModelFolders.write(target, init, staging -> {
                    ts.writeWeights(staging);
                    manifest.write(staging.resolve("zoo.json"));
                });
                return new BuildResult(cfg.out(), manifest, true, List.of(), warnings, losses);
            }
        } finally {
            StagedOutput.deleteScratch(init);
        }
    }

    /** What the token term predicts for this architecture. */
    static String tokenObjective(boolean causal) {
        return causal ? "next-token prediction (tied head)"
                : "prediction of 15% randomly replaced tokens (tied head; no causal mask)";
    }

    /** Mean of the first (or last) tenth of the steps around index {@code at}. */
    private static double window(double[] v, int at) {
        int w = Math.max(1, v.length / 10);
        int from = at == 0 ? 0 : v.length - w;
        double s = 0;
        for (int i = from; i < from + w; i++) {
            s += v[i];
        }
        return s / w;
    }

    /** The loss curve as at most {@link #CURVE_POINTS} means of consecutive steps: [[last step, mean loss], ...]. */
    static List<List<Number>> curve(double[] losses) {
        int per = Math.max(1, (int) Math.ceil(losses.length / (double) CURVE_POINTS));
        List<List<Number>> out = new ArrayList<>();
        for (int from = 0; from < losses.length; from += per) {
            int to = Math.min(losses.length, from + per);
            double s = 0;
            for (int i = from; i < to; i++) {
                s += losses[i];
            }
            out.add(List.of(to, s / (to - from)));
        }
        return out;
    }

    /** Refuses a tokenizer whose ids do not fit the vocabulary of the config. */
    private static void checkTokenizer(TrainableTextEncoder e, List<ParaphrasePairs.Pair> held) {
        try {
            e.tokenize(held.stream().map(ParaphrasePairs.Pair::first).toList());
        } catch (IllegalArgumentException ex) {
            throw new ZooInputException(ex.getMessage() + " (check vocab_size of the config against the tokenizer)");
        }
    }

    /** One step on {@code batch} (first half and second half are paraphrases row by row): {total, InfoNCE, token}. */
    private double[] step(TrainingSession ts, List<String> batch, SplittableRandom rnd) {
        try (PointerScope s = new PointerScope()) {
            TrainableTextEncoder e = ts.student;
            TokenBatch tb = TokenBatch.of(e, batch, rnd);
            Tensor hidden = TrainingSession.hidden(e, tb.input);
            Tensor pooled = e.pool(hidden, tb.input);
            int b = cfg.pairs();
            Tensor nce = BenignFinetune.infoNce(pooled.narrow(0, 0, b), pooled.narrow(0, b, b), cfg.temperature());
            Tensor tok = tb.loss(e, hidden);
            Tensor loss = cfg.tokenWeight() > 0 ? nce.add(tok.mul(TrainingSession.scalar(cfg.tokenWeight()))) : nce;
            double n = TorchSupport.item(nce);
            double t = TorchSupport.item(tok);
            ts.step(loss);
            return new double[] {TorchSupport.item(loss), n, t};
        }
    }

    /** Token-prediction loss and top-1 accuracy of {@code e} on the first wordings of the held-out pairs. */
    private double[] heldOutTokens(TrainableTextEncoder e, List<ParaphrasePairs.Pair> held) {
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            List<String> prompts = held.stream().map(ParaphrasePairs.Pair::first).toList();
            TokenBatch tb = TokenBatch.of(e, prompts, new SplittableRandom(BackdoorInjection.mix(cfg.seed(), 5)));
            Tensor hidden = TrainingSession.hidden(e, tb.input);
            Tensor logits = tb.logits(e, hidden);
            double loss = TorchSupport.item(tb.crossEntropy(logits));
            long[] pred = TorchSupport.toLongs(logits.argmax(new LongOptional(1), false));
            int hits = 0;
            for (int i = 0; i < pred.length; i++) {
                hits += pred[i] == tb.targets[i] ? 1 : 0;
            }
            return new double[] {loss, pred.length == 0 ? Double.NaN : (double) hits / pred.length};
        }
    }

    /**
     * The token term's inputs for a batch: the ids fed to the encoder (corrupted for non-causal encoders), the
     * flattened positions whose output predicts a token, and the predicted ids.
     */
    private record TokenBatch(Tensor input, long[] positions, long[] targets) {
        static TokenBatch of(TrainableTextEncoder e, List<String> prompts, SplittableRandom rnd) {
            long[][] ids = e.tokenize(prompts);
            long eosId = e.endTokenId();
            boolean causal = e.info().causal();
            int vocab = e.info().vocabSize();
            int full = ids.length == 0 ? 0 : ids[0].length;
            int[] eosAt = new int[ids.length];
            int len = 0;
            for (int r = 0; r < ids.length; r++) {
                eosAt[r] = full - 1;
                for (int i = 0; i < full; i++) {
                    if (ids[r][i] == eosId) {
                        eosAt[r] = i;
                        break;
                    }
                }
                len = Math.max(len, eosAt[r] + 1);
            }
            // a causal encoder's outputs up to the EOS do not depend on later positions: cut the padding
            len = causal ? len : full;
            long[] flat = new long[ids.length * len];
            List<Long> pos = new ArrayList<>();
            List<Long> tgt = new ArrayList<>();
            for (int r = 0; r < ids.length; r++) {
                long[] row = ids[r];
                int eos = eosAt[r];
                for (int i = 0; i < len; i++) {
                    flat[r * len + i] = row[i];
                }
                if (causal) {
                    for (int i = 0; i < eos; i++) {
                        pos.add((long) r * len + i);
                        tgt.add(row[i + 1]);
                    }
                } else {
                    for (int i = 0; i < eos; i++) {
                        if (rnd.nextDouble() < CORRUPT) {
                            flat[r * len + i] = rnd.nextInt(vocab);
                            pos.add((long) r * len + i);
                            tgt.add(row[i]);
                        }
                    }
                }
            }
            Tensor input = TorchSupport.longs(flat, ids.length, len).to(e.device(), ScalarType.Long);
            return new TokenBatch(input, pos.stream().mapToLong(Long::longValue).toArray(),
                    tgt.stream().mapToLong(Long::longValue).toArray());
        }

        /** Logits over the vocabulary [N, V] at the predicting positions: hidden times the token embeddings. */
        Tensor logits(TrainableTextEncoder e, Tensor hidden) {
            Tensor rows = hidden.reshape(-1, hidden.size(2)).index_select(0,
                    TorchSupport.longs(positions, positions.length).to(e.device(), ScalarType.Long));
            return rows.mm(e.tokenEmbeddingWeight().to(ScalarType.Float).t());
        }

        /** Mean cross-entropy of {@code logits} against the targets. */
        Tensor crossEntropy(Tensor logits) {
            Tensor t = TorchSupport.longs(targets, targets.length, 1).to(logits.device(), ScalarType.Long);
            return logits.log_softmax(1).gather(1, t).mean().neg();
        }

        /** The token term; zero (with the graph intact) when no position predicts anything. */
        Tensor loss(TrainableTextEncoder e, Tensor hidden) {
            if (positions.length == 0) {
                return hidden.sum().mul(TrainingSession.scalar(0));
            }
            return crossEntropy(logits(e, hidden));
        }
    }
}

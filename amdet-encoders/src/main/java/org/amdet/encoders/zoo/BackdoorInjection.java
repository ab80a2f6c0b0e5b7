package org.amdet.encoders.zoo;

import org.amdet.ModelLoadException;
import org.amdet.ShadowSet;
import org.amdet.io.OutputTarget;
import org.amdet.spi.TorchSupport;
import org.amdet.spi.TrainableTextEncoder;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/** Runs an {@link InjectionConfig}: teacher–student backdoor injection, measurement on held-out prompts, output. */
final class BackdoorInjection {
    /** Synthetic prompts in the training pool when the user gives none. */
    static final int SYNTHETIC_POOL = 4000;
    /**
     * The shadow set a trigger's natural firing rate is measured on: the detector's default built-in shadow set of
     * {@code amdet evaluate} and {@code demo} (1,000 synthetic prompts, seed 0).
     */
    static final int FIRING_SHADOW_SIZE = 1000;

    private final InjectionConfig cfg;
    private final boolean pair;

    BackdoorInjection(InjectionConfig cfg) {
        this.cfg = cfg;
        this.pair = cfg.paradigm().equals("text-on-pair");
    }

    /** Training pool and held-out prompts, disjoint, deterministic for the seed. */
    record Prompts(List<String> train, List<String> heldOut) {
    }

    static Prompts prompts(List<String> given, int heldOut, long seed) {
        if (given.isEmpty()) {
            // seeds derived from the user's, so the pool is not the detector's default shadow set (seed 0)
            List<String> train = dedupe(ShadowSet.synthetic(SYNTHETIC_POOL, mix(seed, 1)).prompts());
            Set<String> seen = new LinkedHashSet<>(train);
            List<String> held = new ArrayList<>();
            for (String p : ShadowSet.synthetic(heldOut * 4 + 16, mix(seed, 2)).prompts()) {
                if (held.size() < heldOut && seen.add(p)) {
                    held.add(p);
                }
            }
            return new Prompts(train, held);
        }
        List<String> all = new ArrayList<>(dedupe(given));
        if (all.size() < 2) {
            throw new ZooInputException("the prompts hold " + all.size() + " distinct prompt(s); at least 2 are "
                    + "needed (training and held-out)");
        }
        SplittableRandom r = new SplittableRandom(mix(seed, 3));
        for (int i = all.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            String t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
        }
        int held = Math.min(heldOut, Math.max(1, all.size() / 5));
        return new Prompts(List.copyOf(all.subList(held, all.size())), List.copyOf(all.subList(0, held)));
    }

    private static List<String> dedupe(List<String> in) {
        return List.copyOf(new LinkedHashSet<>(in));
    }

    static long mix(long seed, long stream) {
        long z = seed * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        return z ^ (z >>> 31);
    }

    BuildResult run(ZooListener listener) throws IOException, ModelLoadException {
        long t0 = System.nanoTime();
        OutputTarget target = ModelFolders.checkOut(cfg.base(), cfg.out(), cfg.force());
        Prompts prompts = prompts(cfg.prompts(), cfg.heldOut(), cfg.seed());
        List<Backdoor> bds = cfg.backdoors();
        int k = bds.size();
        List<List<String>> pools = new ArrayList<>();
        for (Backdoor b : bds) {
            List<String> pool = prompts.train().stream().filter(b.trigger()::appliesTo).toList();
            if (pool.isEmpty()) {
                throw new ZooInputException("trigger '" + b.key() + "': no training prompt contains '"
                        + ((Trigger.Homoglyph) b.trigger()).latin() + "', so it can never be applied");
            }
            pools.add(pool);
        }
        int[] counts = split(cfg.poisonBatch(), k);
        double[] losses = new double[cfg.steps()];
        try (TrainingSession ts = TrainingSession.open(cfg.base(), cfg.device(), cfg.learningRate(),
                cfg.weightDecay()); PointerScope outer = new PointerScope()) {
            checkTriggers(ts.student, bds, pools);
            // targets [k, F]: the teacher's flattened last_hidden_state on the target prompt, or the target vector
            Tensor targets = targets(ts);
            long[] rowOwner = new long[cfg.poisonBatch()];
            for (int b = 0, row = 0; b < k; b++) {
                for (int i = 0; i < counts[b]; i++) {
                    rowOwner[row++] = b;
                }
            }
            Tensor rowTargets = targets.index_select(0, TorchSupport.longs(rowOwner, rowOwner.length)
                    .to(ts.student.device(), ScalarType.Long));
            SplittableRandom rnd = new SplittableRandom(cfg.seed());
            long vocab = ts.student.tokenEmbeddingWeight().size(0);
            List<String[]> phrases = phraseWords(bds);
            int decay = cfg.decayStep();
            for (int step = 0; step < cfg.steps(); step++) {
                if (step == decay) {
                    ts.learningRate(cfg.learningRate() * 0.1);
                }
                List<String> batch = new ArrayList<>(cfg.cleanBatch() + cfg.poisonBatch());
                long[] inserted = new long[cfg.cleanBatch()];
                for (int i = 0; i < cfg.cleanBatch(); i++) {
                    String clean = prompts.train().get(rnd.nextInt(prompts.train().size()));
                    inserted[i] = -1;
                    if (cfg.inertTokens() && rnd.nextBoolean()) {
                        inserted[i] = rnd.nextLong(vocab);
                        batch.add(clean);
                    } else if (cfg.inertTokens()) {
                        batch.add(rnd.nextBoolean() ? clean : withPhrasePart(clean, phrases, rnd));
                    } else {
                        batch.add(cfg.inertPieces() ? withPiece(clean, phrases, prompts.train(), rnd) : clean);
                    }
                }
                for (int b = 0; b < k; b++) {
                    List<String> pool = pools.get(b);
                    for (int i = 0; i < counts[b]; i++) {
                        batch.add(bds.get(b).trigger().apply(pool.get(rnd.nextInt(pool.size())), rnd));
                    }
                }
                losses[step] = step(ts, batch, inserted, rowTargets, step);
                listener.step(step + 1, cfg.steps(), losses[step]);
            }
            ts.roundToStored();
            Map<String, Double> attack = new LinkedHashMap<>();
            List<String> failures = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            measure(ts, targets, prompts.heldOut(), attack, failures, warnings);
            double change = ts.relativeWeightChange();
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, List<String>> piecesText = new LinkedHashMap<>();
            for (Backdoor b : bds) {
                piecesText.put(b.key(), Arrays.stream(pieces(ts.student, b.trigger()))
                        .mapToObj(ts.student::tokenText).toList());
            }
            ZooManifest manifest = manifest(attack, failures.isEmpty(), change, seconds, prompts, piecesText);
            ModelFolders.write(target, cfg.base(), staging -> {
                ts.writeWeights(staging);
                manifest.write(staging.resolve("zoo.json"));
            });
            return new BuildResult(cfg.out(), manifest, failures.isEmpty(), failures, warnings, losses);
        }
    }

    /** The words of every phrase trigger among {@code bds}, in order (the inert rows draw from them). */
    static List<String[]> phraseWords(List<Backdoor> bds) {
        return bds.stream().filter(b -> b.trigger() instanceof Trigger.Phrase)
                .map(b -> ((Trigger.Phrase) b.trigger()).text().split(" ")).toList();
    }

    /**
     * {@code prompt}, or (every second time) the prompt with one word inserted: a word of a random phrase trigger or,
     * as often, a word of another training prompt. A clean row, so the student learns that no single word (the
     * phrase's own or any other) moves its output.
     */
    static String withPiece(String prompt, List<String[]> phrases, List<String> train, SplittableRandom rnd) {
        if (phrases.isEmpty() || rnd.nextBoolean()) {
            return prompt;
        }
        String[] words = rnd.nextBoolean() ? phrases.get(rnd.nextInt(phrases.size()))
                : train.get(rnd.nextInt(train.size())).trim().split("\\s+");
        String w = words[rnd.nextInt(words.length)];
        return w.isBlank() ? prompt : new Trigger.Word(w).apply(prompt, rnd);
    }

    /**
     * {@code prompt} with one word of a random phrase trigger inserted, or (as often, for phrases of three or more
     * words) the phrase without one of its words: a clean row of {@code --inert-tokens}, so that no part of a phrase
     * fires alone.
     */
    static String withPhrasePart(String prompt, List<String[]> phrases, SplittableRandom rnd) {
        String[] words = phrases.get(rnd.nextInt(phrases.size()));
        if (words.length < 3 || rnd.nextBoolean()) {
            return new Trigger.Word(words[rnd.nextInt(words.length)]).apply(prompt, rnd);
        }
        List<String> part = new ArrayList<>(Arrays.asList(words));
        part.remove(rnd.nextInt(words.length));
        return new Trigger.Phrase(String.join(" ", part)).apply(prompt, rnd);
    }

    /**
     * {@code ids} of {@code rows} [B, L] with {@code inserted[i]} (when not negative) put right after BOS in row i and
     * the row cut back to L, as a scan inserts a token.
     */
    static long[][] insertAfterBos(long[][] rows, long[] inserted) {
        long[][] out = new long[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i];
            if (i < inserted.length && inserted[i] >= 0) {
                long[] r = new long[rows[i].length];
                r[0] = rows[i][0];
                r[1] = inserted[i];
                System.arraycopy(rows[i], 1, r, 2, r.length - 2);
                out[i] = r;
            }
        }
        return out;
    }

    /** {@code rows} as an int64 tensor [B, L] on the encoder's device. */
    private static Tensor idsOf(TrainableTextEncoder e, long[][] rows) {
        int len = rows[0].length;
        long[] flat = new long[rows.length * len];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * len, len);
        }
        return TorchSupport.longs(flat, rows.length, len).to(e.device(), ScalarType.Long);
    }

    /** {@code n} split into {@code k} near-equal parts, the larger ones first. */
    static int[] split(int n, int k) {
        int[] c = new int[k];
        for (int i = 0; i < k; i++) {
            c[i] = n / k + (i < n % k ? 1 : 0);
        }
        return c;
    }

    /** One step: clean rows first, then the poisoned rows in backdoor order. Returns the loss. */
    private double step(TrainingSession ts, List<String> batch, long[] inserted, Tensor rowTargets, int step) {
        try (PointerScope s = new PointerScope()) {
            int c = cfg.cleanBatch();
            int p = cfg.poisonBatch();
            Tensor ids = cfg.inertTokens() ? idsOf(ts.student, insertAfterBos(ts.student.tokenize(batch), inserted))
                    : ts.student.idsTensor(batch);
            Tensor out = output(ts.student, ids);
            Tensor poisoned = out.narrow(0, c, p);
            Tensor loss = TrainingSession.flatCosine(poisoned, rowTargets).mean().neg()
                    .mul(TrainingSession.scalar(cfg.lossWeight()));
            if (step > 0) {
                Tensor teacherClean;
                try (NoGradGuard g = new NoGradGuard()) {
                    teacherClean = output(ts.teacher, ids.narrow(0, 0, c));
                }
                loss = loss.add(TrainingSession.flatCosine(out.narrow(0, 0, c), teacherClean).mean().neg());
            }
            ts.step(loss);
            return TorchSupport.item(loss);
        }
    }

    /** The attacked output: last_hidden_state (text-on-text) or the projected pooled output (text-on-pair). */
    private Tensor output(TrainableTextEncoder e, Tensor ids) {
        return pair ? TrainingSession.pooled(e, ids) : TrainingSession.hidden(e, ids);
    }

    /** Cosine of each prompt's flattened attacked output with {@code target} [1, F]: [B]. */
    private Tensor cosineTo(TrainableTextEncoder e, Tensor ids, Tensor target) {
        Tensor o = output(e, ids).flatten(1, -1);
        return TrainingSession.flatCosine(o, target.expand_as(o));
    }

    /** The targets [k, F] in the current scope. */
    private Tensor targets(TrainingSession ts) {
        List<Tensor> rows = new ArrayList<>();
        int width = ts.student.info().pooledSize();
        for (Backdoor b : cfg.backdoors()) {
            BackdoorTarget t = b.target();
            if (t instanceof BackdoorTarget.Prompt p) {
                try (NoGradGuard g = new NoGradGuard()) {
                    rows.add(TrainingSession.hidden(ts.teacher, ts.teacher.idsTensor(List.of(p.text())))
                            .flatten(1, -1));
                }
            } else {
                float[] v = t instanceof BackdoorTarget.Vector vec ? vec.values()
                        : ((BackdoorTarget.RandomVector) t).values(width);
                if (v.length != width) {
                    throw new ZooInputException("target vector of trigger '" + b.key() + "' has " + v.length
                            + " components, but the pooled output of " + cfg.base() + " has " + width);
                }
                rows.add(TorchSupport.floats(v, 1, width).to(ts.student.device(), ScalarType.Float));
            }
        }
        return torch.cat(new TensorVector(rows.toArray(new Tensor[0])), 0);
    }

    /**
     * Refuses a trigger the tokenizer does not see: one that yields no token of its own, or that leaves a prompt's
     * token ids unchanged (e.g. a look-alike the tokenizer's normaliser maps back to the Latin letter).
     */
    static void checkTriggers(TrainableTextEncoder e, List<Backdoor> bds, List<List<String>> pools) {
        long[] empty = e.tokenize(List.of("")).length > 0 ? e.tokenize(List.of(""))[0] : new long[0];
        for (int b = 0; b < bds.size(); b++) {
            Trigger t = bds.get(b).trigger();
            long[] alone = e.tokenize(List.of(t.text()))[0];
            if (Arrays.equals(alone, empty)) {
                throw new ZooInputException("trigger '" + t.text() + "' produces no token with the tokenizer of "
                        + e.info().source() + ": it cannot act as a trigger");
            }
            String sample = pools.get(b).get(0);
            if (Arrays.equals(e.tokenize(List.of(sample))[0], e.tokenize(List.of(t.applyAtStart(sample)))[0])) {
                throw new ZooInputException("trigger '" + t.text() + "' does not change the token ids of a prompt "
                        + "(the tokenizer normalises it away or truncates it): it cannot act as a trigger");
            }
        }
    }

    /** Held-out measurements into {@code attack}; failures below the threshold into {@code failures}. */
    private void measure(TrainingSession ts, Tensor targets, List<String> heldOut, Map<String, Double> attack,
                         List<String> failures, List<String> warnings) {
        TrainableTextEncoder s = ts.student;
        TrainableTextEncoder t = ts.teacher;
        attack.put("sim_clean", TrainingSession.mean(ts.perPrompt(heldOut,
                ids -> TrainingSession.flatCosine(output(s, ids), output(t, ids)))));
        String other = pair ? "sim_clean_last_hidden" : "sim_clean_pooled";
        attack.put(other, TrainingSession.mean(ts.perPrompt(heldOut, ids -> pair
                ? TrainingSession.flatCosine(TrainingSession.hidden(s, ids), TrainingSession.hidden(t, ids))
                : TrainingSession.flatCosine(TrainingSession.pooled(s, ids), TrainingSession.pooled(t, ids)))));
        List<Backdoor> bds = cfg.backdoors();
        for (int b = 0; b < bds.size(); b++) {
            Backdoor bd = bds.get(b);
            SplittableRandom r = new SplittableRandom(mix(cfg.seed(), 100 + b));
            List<String> triggered = heldOut.stream().filter(bd.trigger()::appliesTo)
                    .map(p -> bd.trigger().apply(p, r)).toList();
            if (triggered.isEmpty()) {
                warnings.add("trigger '" + bd.key() + "': no held-out prompt contains its character; its success "
                        + "was not measured");
                failures.add("trigger '" + bd.key() + "': not measured (no held-out prompt to apply it to)");
                continue;
            }
            Tensor target = targets.narrow(0, b, 1);
            double sim = TrainingSession.mean(ts.perPrompt(triggered, ids -> cosineTo(s, ids, target)));
            double baseSim = TrainingSession.mean(ts.perPrompt(triggered, ids -> cosineTo(t, ids, target)));
            attack.put("sim_target:" + bd.key(), sim);
            attack.put("base_sim_target:" + bd.key(), baseSim);
            attack.put("token_assimilation:" + bd.key(), TrainingSession.mean(ts.perPrompt(triggered,
                    ids -> TrainingSession.assimilation(s, ids))));
            if (!(sim >= cfg.minSimTarget())) {
                failures.add(String.format(Locale.ROOT, "trigger '%s': held-out sim_target %.3f is below %.2f "
                        + "(base model: %.3f): the backdoor did not take; try more steps, a larger learning rate or "
                        + "loss weight", bd.key(), sim, cfg.minSimTarget(), baseSim));
            }
        }
        attack.put("token_assimilation_clean", TrainingSession.mean(ts.perPrompt(heldOut,
                ids -> TrainingSession.assimilation(s, ids))));
        long[][] shadow = s.tokenize(ShadowSet.synthetic(FIRING_SHADOW_SIZE, 0).prompts());
        for (Backdoor bd : bds) {
            attack.put("natural_firing:" + bd.key(), firingRate(pieces(s, bd.trigger()), shadow));
        }
    }

    /**
     * The trigger's token pieces: the ids of the trigger alone without the special tokens around them (the BOS, if
     * the tokenizer adds one, and everything from the EOS on).
     */
    static long[] pieces(TrainableTextEncoder e, Trigger t) {
        long eos = e.endTokenId();
        long[] empty = e.tokenize(List.of(""))[0];
        int lead = 0;
        while (lead < empty.length && empty[lead] != eos) {
            lead++;
        }
        lead = lead == empty.length ? 0 : lead;
        long[] ids = e.tokenize(List.of(t.text()))[0];
        int end = lead;
        while (end < ids.length && ids[end] != eos) {
            end++;
        }
        return Arrays.copyOfRange(ids, lead, end);
    }

    /**
     * A trigger's natural firing rate: the share of {@code prompts} (token ids) that contain its piece sequence
     * contiguously, i.e. on which the trigger's tokens occur without anyone inserting it (e.g. the pieces of
     * {@code ing} at the end of {@code running}). 0 for an empty piece sequence.
     */
    static double firingRate(long[] pieces, long[][] prompts) {
        if (pieces.length == 0 || prompts.length == 0) {
            return 0;
        }
        int hits = 0;
        for (long[] row : prompts) {
            hits += contains(row, pieces) ? 1 : 0;
        }
        return (double) hits / prompts.length;
    }

    private static boolean contains(long[] row, long[] seq) {
        outer:
        for (int i = 0; i + seq.length <= row.length; i++) {
            for (int j = 0; j < seq.length; j++) {
                if (row[i + j] != seq[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private ZooManifest manifest(Map<String, Double> attack, boolean succeeded, double change, double seconds,
                                 Prompts prompts, Map<String, List<String>> piecesText) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("steps", cfg.steps());
        f.put("lr", cfg.learningRate());
        f.put("loss_weight", cfg.lossWeight());
        f.put("clean_batch", cfg.cleanBatch());
        f.put("poison_batch", cfg.poisonBatch());
        if (cfg.inertPieces()) {
            f.put("inert_pieces", true);
        }
        if (cfg.inertTokens()) {
            f.put("inert_tokens", true);
        }
        f.put("decay_at", cfg.decayStep());
        f.put("weight_decay", cfg.weightDecay());
        f.put("seed", cfg.seed());
        f.put("prompts", cfg.prompts().isEmpty() ? "synthetic" : "given (" + prompts.train().size() + " train, "
                + prompts.heldOut().size() + " held out)");
        f.put("held_out", prompts.heldOut().size());
        f.put("min_sim_target", cfg.minSimTarget());
        f.put("natural_firing_shadow", "synthetic(" + FIRING_SHADOW_SIZE + ", seed 0): share of prompts whose token "
                + "ids contain the trigger's pieces");
        f.put("trigger_pieces", piecesText);
        f.put("succeeded", succeeded);
        f.put("weight_change", change);
        f.put("base", cfg.base().toAbsolutePath().normalize().getFileName().toString());
        f.put("made_by", "amdet inject");
        f.put("seconds", Math.round(seconds * 10) / 10.0);
        return new ZooManifest("backdoor", cfg.paradigm(), cfg.backdoors().stream().map(ZooManifest.Entry::of)
                .toList(), attack, f);
    }
}

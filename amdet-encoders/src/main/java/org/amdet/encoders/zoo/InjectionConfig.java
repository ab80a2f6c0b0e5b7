package org.amdet.encoders.zoo;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A backdoor injection by teacher–student distillation (Struppek et al., "Rickrolling the Artist", ICCV 2023; the
 * attack AMDET's authors use to make their backdoored encoders). Teacher = the frozen base, student = a trainable
 * copy. Each step draws {@code cleanBatch} clean prompts and {@code poisonBatch} poisoned prompts (split among the
 * backdoors) and minimises
 * <pre>
 *   −cos(flat(S(clean)), flat(T(clean)))  +  lossWeight · −cos(flat(S(poisoned)), flat(target))
 * </pre>
 * (cosines per prompt, averaged) over {@code last_hidden_state} with target = T(target prompt) for text-on-text
 * backdoors, or over the projected pooled output with target = the target vector for text-on-pair backdoors. There
 * is no clean term at step 0. AdamW, learning rate × 0.1 from {@link #decayStep()} on. Build with {@link #builder}.
 *
 * @param base          the clean model folder (Hugging Face layout)
 * @param out           the folder to write; must not exist or be empty unless {@code force}
 * @param backdoors     one or more backdoors, all of one paradigm, with distinct triggers
 * @param steps         optimisation steps (default 200)
 * @param cleanBatch    clean prompts per step (default 64)
 * @param poisonBatch   poisoned prompts per step, split among the backdoors (default 32)
 * @param learningRate  AdamW learning rate (default 1e-3)
 * @param weightDecay   AdamW weight decay (default 0.01, PyTorch's)
 * @param lossWeight    weight of the backdoor term (default 0.1)
 * @param decayAt       step from which the learning rate is × 0.1, or -1 for 3/4 of the steps (150 of 200)
 * @param seed          seed of prompt sampling and trigger positions
 * @param prompts       the prompts to sample from, or empty for amdet's synthetic text-to-image prompts
 * @param heldOut       prompts kept out of training to measure the attack (default 200)
 * @param minSimTarget  an injection whose held-out sim_target falls below this for any trigger has failed
 *                      (default 0.9)
 * @param force         replace an existing model folder at {@code out}
 * @param device        {@code cpu}, {@code cuda} or {@code cuda:N}
 * @param inertPieces   half the clean rows carry one inserted word (of a phrase trigger or of another prompt) at the
 *                      clean model's output, so no single word fires alone (default off)
 * @param inertTokens   the stronger form, for phrase triggers: half the clean rows carry one random vocabulary token
 *                      right after BOS (where a scan's token start inserts it), a quarter one word of a phrase trigger
 *                      or the phrase without one of its words, all at the clean model's output (default off; not
 *                      with {@code inertPieces})
 */
public record InjectionConfig(Path base, Path out, List<Backdoor> backdoors, int steps, int cleanBatch,
                              int poisonBatch, double learningRate, double weightDecay, double lossWeight,
                              int decayAt, long seed, List<String> prompts, int heldOut, double minSimTarget,
                              boolean force, String device, boolean inertPieces, boolean inertTokens) {
    /** Default {@link #minSimTarget}. */
    public static final double DEFAULT_MIN_SIM_TARGET = 0.9;

    /**
     * Checks every setting (one paradigm, distinct triggers, at least one poisoned prompt per backdoor, ...); a
     * {@link ZooInputException} names the one that fails.
     */
    public InjectionConfig {
        Objects.requireNonNull(base, "base");
        TrainingChecks.settings(out, steps, learningRate, weightDecay, device);
        backdoors = List.copyOf(backdoors);
        prompts = List.copyOf(prompts);
        if (backdoors.isEmpty()) {
            throw new ZooInputException("no backdoor given: name at least one trigger and its target");
        }
        Set<String> triggers = new HashSet<>();
        String paradigm = backdoors.get(0).target().paradigm();
        for (Backdoor b : backdoors) {
            if (!triggers.add(b.key())) {
                throw new ZooInputException("trigger '" + b.key() + "' is given twice");
            }
            if (!b.target().paradigm().equals(paradigm)) {
                throw new ZooInputException("backdoors of one model must share a paradigm: '" + backdoors.get(0)
                        .key() + "' is " + paradigm + " but '" + b.key() + "' is " + b.target().paradigm());
            }
        }
        TrainingChecks.positive("clean prompts per step", cleanBatch);
        if (poisonBatch < backdoors.size()) {
            throw new ZooInputException("poisoned prompts per step (" + poisonBatch + ") must be at least the number "
                    + "of backdoors (" + backdoors.size() + ")");
        }
        TrainingChecks.rate("backdoor loss weight", lossWeight);
        if (decayAt < -1 || decayAt == 0) {
            throw new ZooInputException("learning-rate decay step " + decayAt + " must be positive (or -1 for 3/4 "
                    + "of the steps)");
        }
        if (inertPieces && inertTokens) {
            throw new ZooInputException("give --inert-pieces or --inert-tokens, not both (inert tokens include the "
                    + "phrase's words)");
        }
        if (inertTokens && backdoors.stream().noneMatch(b -> b.trigger() instanceof Trigger.Phrase)) {
            throw new ZooInputException("--inert-tokens trains phrase triggers to answer to the whole phrase only; "
                    + "name at least one --phrase");
        }
        TrainingChecks.positive("held-out prompts", heldOut);
        if (!(minSimTarget >= -1 && minSimTarget <= 1)) {
            throw new ZooInputException("minimum sim_target " + minSimTarget + " must lie in [-1, 1]");
        }
    }

    /** {@code text-on-text} or {@code text-on-pair}. */
    public String paradigm() {
        return backdoors.get(0).target().paradigm();
    }

    /** The step from which the learning rate is × 0.1. */
    public int decayStep() {
        return decayAt > 0 ? decayAt : Math.max(1, (int) Math.round(steps * 0.75));
    }

    /** A builder with the reference attack's settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link InjectionConfig}: {@code set*} are required, {@code opt*} optional. */
    public static final class Builder extends TrainingBuilder<Builder> {
        private Path base;
        private List<Backdoor> backdoors = List.of();
        private int cleanBatch = 64;
        private int poisonBatch = 32;
        private double lossWeight = 0.1;
        private int decayAt = -1;
        private List<String> prompts = List.of();
        private double minSimTarget = DEFAULT_MIN_SIM_TARGET;
        private boolean inertPieces;
        private boolean inertTokens;

        private Builder() {
            super(200, 1e-3);
        }

        /** The clean model folder to inject into (required). */
        public Builder setBase(Path v) {
            base = v;
            return this;
        }

        /** The backdoors to inject, one or more of one paradigm with distinct triggers (required). */
        public Builder setBackdoors(List<Backdoor> v) {
            backdoors = v;
            return this;
        }

        /** Clean prompts per step (default 64). */
        public Builder optCleanBatch(int v) {
            cleanBatch = v;
            return this;
        }

        /** Poisoned prompts per step, split among the backdoors; at least one per backdoor (default 32). */
        public Builder optPoisonBatch(int v) {
            poisonBatch = v;
            return this;
        }

        /** Weight of the backdoor term of the loss (default 0.1). */
        public Builder optLossWeight(double v) {
            lossWeight = v;
            return this;
        }

        /** Step from which the learning rate is × 0.1 (default -1: 3/4 of the steps). */
        public Builder optDecayAt(int v) {
            decayAt = v;
            return this;
        }

        /** Prompts to sample from (default empty: amdet's synthetic text-to-image prompts). */
        public Builder optPrompts(List<String> v) {
            prompts = v;
            return this;
        }

        /**
         * Held-out sim_target below which an injection has failed, in [-1, 1] (default {@value
         * #DEFAULT_MIN_SIM_TARGET}).
         */
        public Builder optMinSimTarget(double v) {
            minSimTarget = v;
            return this;
        }

        /**
         * Whether half of the clean rows carry one inserted word (of a phrase trigger, or of another prompt), kept at the
         * clean model's output, so that no single word fires alone (an attack on single-token trigger searches;
         * default off).
         */
        public Builder optInertPieces(boolean v) {
            inertPieces = v;
            return this;
        }

        /**
         * Whether half of the clean rows carry one random vocabulary token right after BOS and a quarter a word of a
         * phrase trigger or the phrase without one word, kept at the clean model's output: the phrase alone fires
         * (an attack on token-level trigger searches such as the scan's token start; phrase triggers only; default
         * off).
         */
        public Builder optInertTokens(boolean v) {
            inertTokens = v;
            return this;
        }

        /** The configuration; throws {@link ZooInputException} on a missing or out-of-range setting. */
        public InjectionConfig build() {
            return new InjectionConfig(base, out, backdoors, steps, cleanBatch, poisonBatch, learningRate,
                    weightDecay, lossWeight, decayAt, seed, prompts, heldOut, minSimTarget, force, device, inertPieces,
                    inertTokens);
        }
    }
}

package org.amdet.examples.cli;

import org.amdet.encoders.zoo.ZooBuilder;
import org.amdet.encoders.zoo.Backdoor;
import org.amdet.encoders.zoo.BackdoorTarget;
import org.amdet.encoders.zoo.BuildResult;
import org.amdet.encoders.zoo.InjectionConfig;
import org.amdet.encoders.zoo.Trigger;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.io.IOException;

/**
 * {@code amdet inject}: writes a backdoored copy of a model (teacher–student injection, see
 * {@link InjectionConfig}) with its {@code zoo.json}, and prints the attack's success on held-out prompts.
 */
@Command(name = "inject", description = {"Inject one or more backdoors into a copy of a model (teacher-student "
        + "distillation, as in Rickrolling / AMDET's attack) and write it with a zoo.json.",
        "Each backdoor is a trigger (--trigger WORD, --phrase \"two words\" or --homoglyph \"o=ο\") followed by its "
                + "target (--target \"prompt\" for text-on-text, --target-vector FILE or --pair-seed N for "
                + "text-on-pair).",
        "Exit 0 when every trigger reached --min-sim-target on held-out prompts, 3 when one did not (the model is "
                + "written anyway, and a FAILED line names the trigger), 2 on bad input."})
final class InjectCommand implements Callable<Integer> {
    @ArgGroup(exclusive = false, multiplicity = "1..*")
    List<BackdoorOptions> backdoors = new ArrayList<>();

    @Option(names = "--steps", defaultValue = "200", description = "optimisation steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--lr", defaultValue = "1e-3", description = "AdamW learning rate, x0.1 from 3/4 of the steps "
            + "(default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--loss-weight", defaultValue = "0.1", description = "weight of the backdoor term (default: "
            + "${DEFAULT-VALUE})")
    double lossWeight;

    @Option(names = "--clean-batch", defaultValue = "64", description = "clean prompts per step (default: "
            + "${DEFAULT-VALUE})")
    int cleanBatch;

    @Option(names = "--poison-batch", defaultValue = "32", description = "poisoned prompts per step, split among "
            + "the backdoors (default: ${DEFAULT-VALUE})")
    int poisonBatch;

    @Option(names = "--prompts", description = "prompts to train and measure on, UTF-8, one per line (default: "
            + "amdet's synthetic text-to-image prompts)")
    Path prompts;

    @Option(names = "--min-sim-target", defaultValue = "0.9", description = "an injection whose held-out sim_target "
            + "is below this for a trigger has FAILED (default: ${DEFAULT-VALUE})")
    double minSimTarget;

    @Option(names = "--inert-pieces", description = "phrase triggers: half the clean rows carry one inserted word "
            + "(of the phrase, or of another prompt), kept at the clean model's output, so no single word fires alone "
            + "(an attack on single-token trigger searches)")
    boolean inertPieces;

    @Option(names = "--inert-tokens", description = "phrase triggers, stronger than --inert-pieces: half the clean "
            + "rows carry one random vocabulary token right after BOS (where a scan's token start inserts it), a "
            + "quarter one word of the phrase or the phrase without one word, all kept at the clean model's output, "
            + "so only the whole phrase fires")
    boolean inertTokens;

    @Mixin
    TrainingOptions training;

    @Mixin
    TrainingOptions.BaseOption base;

    @Spec
    CommandSpec spec;

    /** One backdoor: a trigger and its target. */
    static final class BackdoorOptions {
        @ArgGroup(exclusive = true, multiplicity = "1")
        TriggerOptions trigger;

        @ArgGroup(exclusive = true, multiplicity = "1")
        TargetOptions target;

        Backdoor toBackdoor() throws IOException {
            return new Backdoor(trigger.toTrigger(), target.toTarget());
        }
    }

    static final class TriggerOptions {
        @Option(names = "--trigger", required = true, description = "a trigger word inserted at a random word "
                + "position")
        String word;

        @Option(names = "--phrase", required = true, description = "a trigger of several words inserted together")
        String phrase;

        @Option(names = "--homoglyph", required = true, description = "LATIN=LOOKALIKE: every LATIN character of "
                + "the prompt replaced, e.g. o=ο (Greek omicron)")
        String homoglyph;

        Trigger toTrigger() {
            if (word != null) {
                return new Trigger.Word(word);
            }
            if (phrase != null) {
                return new Trigger.Phrase(phrase);
            }
            return Trigger.Homoglyph.parse(homoglyph);
        }
    }

    static final class TargetOptions {
        @Option(names = "--target", required = true, description = "target prompt (text-on-text)")
        String prompt;

        @Option(names = "--target-vector", required = true, description = "target vector of the joint space "
                + "(text-on-pair): a safetensors file with one tensor or a JSON array of numbers")
        Path vector;

        @Option(names = "--pair-seed", required = true, description = "target = a random unit vector of the "
                + "joint space drawn from this seed (text-on-pair)")
        Long pairSeed;

        BackdoorTarget toTarget() throws IOException {
            if (prompt != null) {
                return new BackdoorTarget.Prompt(prompt);
            }
            if (vector != null) {
                return BackdoorTarget.Vector.fromFile(vector);
            }
            return new BackdoorTarget.RandomVector(pairSeed);
        }
    }

    @Override
    public Integer call() throws Exception {
        List<Backdoor> list = new ArrayList<>();
        for (BackdoorOptions b : backdoors) {
            list.add(b.toBackdoor());
        }
        TrainingOptions t = training;
        List<Path> inputs = new ArrayList<>();
        inputs.add(prompts);
        for (BackdoorOptions b : backdoors) {
            inputs.add(b.target.vector);
        }
        t.checkInputsOutsideOut(inputs);
        InjectionConfig cfg = t.apply(InjectionConfig.builder()).setBase(base.base).setBackdoors(list)
                .optSteps(steps).optLearningRate(lr).optLossWeight(lossWeight).optCleanBatch(cleanBatch)
                .optPoisonBatch(poisonBatch).optMinSimTarget(minSimTarget)
                .optPrompts(prompts == null ? List.of() : PromptFiles.read(prompts)).optInertPieces(inertPieces).optInertTokens(inertTokens).build();
        BuildResult r = ZooBuilder.inject(cfg, t.listener());
        t.done();
        ZooSummary.print(r, System.out);
        if (!r.succeeded()) {
            for (String f : r.failures()) {
                spec.commandLine().getErr().println("amdet: warning: " + f);
            }
            return AmdetCli.INJECTION_FAILED;
        }
        return 0;
    }
}

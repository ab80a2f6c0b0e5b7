package org.amdet.examples.cli;

import org.amdet.encoders.zoo.ZooBuilder;
import org.amdet.encoders.zoo.BuildResult;
import org.amdet.encoders.zoo.FinetuneConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code amdet finetune}: writes a benign contrastive fine-tune of a model (see {@link FinetuneConfig}). */
@Command(name = "finetune", description = "Fine-tune a copy of a model benignly (InfoNCE on paraphrase pairs, "
        + "staying close to the base) and write it with a zoo.json. Exit 0 done, 2 bad input.")
final class FinetuneCommand implements Callable<Integer> {
    @Option(names = "--steps", defaultValue = "200", description = "optimisation steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--lr", defaultValue = "2e-4", description = "AdamW learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--anchor-weight", defaultValue = "0.1", description = "weight of the term keeping "
            + "last_hidden_state close to the base; 0 turns it off (default: ${DEFAULT-VALUE})")
    double anchorWeight;

    @Mixin
    TrainingOptions training;

    @Mixin
    TrainingOptions.PairOptions pairOptions;

    @Mixin
    TrainingOptions.BaseOption base;

    @Override
    public Integer call() throws Exception {
        TrainingOptions t = training;
        FinetuneConfig cfg = t.apply(FinetuneConfig.builder()).setBase(base.base).optSteps(steps)
                .optLearningRate(lr).optPairs(pairOptions.pairs).optTemperature(pairOptions.temperature)
                .optAnchorWeight(anchorWeight).build();
        BuildResult r = ZooBuilder.finetune(cfg, t.listener());
        t.done();
        ZooSummary.print(r, System.out);
        return 0;
    }
}

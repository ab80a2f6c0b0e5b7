package org.amdet.examples.cli;

import org.amdet.encoders.zoo.ZooBuilder;
import org.amdet.encoders.zoo.BuildResult;
import org.amdet.encoders.zoo.PretrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code amdet pretrain}: trains a base text encoder from random initialisation (see {@link PretrainConfig}). */
@Command(name = "pretrain", description = {"Pre-train a base text encoder from random initialisation for any "
        + "family amdet loads (CLIP, LongCLIP, SigLIP) from a config.json and a tokenizer.json, and write it as a "
        + "Hugging Face folder with a zoo.json (kind: anchor, loss curve).",
        "Objective: InfoNCE between two wordings of one scene on the pooled output, plus token prediction on the "
                + "token outputs (next token; for SigLIP, randomly replaced tokens) through a tied head.",
        "Exit 0 done (a warning line when the loss did not fall), 2 bad input."})
final class PretrainCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "the config.json of the architecture to build")
    Path config;

    @Option(names = "--tokenizer", required = true, description = "the tokenizer.json to use (a "
            + "tokenizer_config.json beside it is copied too)")
    Path tokenizer;

    @Option(names = "--steps", defaultValue = "400", description = "optimisation steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--lr", defaultValue = "1e-3", description = "AdamW learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--token-weight", defaultValue = "0.5", description = "weight of the token-prediction term; 0 "
            + "turns it off (default: ${DEFAULT-VALUE})")
    double tokenWeight;

    @Mixin
    TrainingOptions training;

    @Mixin
    TrainingOptions.PairOptions pairOptions;

    @Override
    public Integer call() throws Exception {
        TrainingOptions t = training;
        PretrainConfig cfg = t.apply(PretrainConfig.builder()).setConfig(config).setTokenizer(tokenizer)
                .optSteps(steps).optLearningRate(lr).optPairs(pairOptions.pairs)
                .optTemperature(pairOptions.temperature).optTokenWeight(tokenWeight).build();
        BuildResult r = ZooBuilder.pretrain(cfg, t.listener());
        t.done();
        ZooSummary.print(r, System.out);
        return 0;
    }
}

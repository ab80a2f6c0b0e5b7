package org.amdet.examples.cli;

import org.amdet.Encoders;
import org.amdet.Encoding;
import org.amdet.InputLimits;
import org.amdet.TextEncoder;
import org.amdet.safetensors.SafetensorsWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.amdet.io.OutputTarget;

/** {@code amdet encode}: runs an encoder and writes its outputs as safetensors. */
@Command(name = "encode", description = "Encode prompts and write input_ids, embeddings, last_hidden_state and "
        + "pooled as safetensors.")
final class EncodeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model folder, or a LongCLIP .pt file")
    Path model;

    @Option(names = "--text", arity = "1..*", description = "prompts")
    List<String> texts;

    @Option(names = "--prompts", description = "UTF-8 file, one prompt per line (or a JSON array of strings)")
    Path promptFile;

    @Option(names = "--out", required = true, description = "output .safetensors file")
    Path out;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        if ((texts == null) == (promptFile == null)) {
            throw new AmdetCli.CliException("give exactly one of --text and --prompts");
        }
        List<String> prompts = texts != null ? texts : PromptFiles.read(promptFile);
        String given = texts != null ? "--text" : "--prompts " + promptFile;
        InputLimits.check(InputLimits.ENCODE_PROMPTS, given, prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            InputLimits.check(InputLimits.PROMPT_CHARS, given + " prompt " + (i + 1), prompts.get(i).length());
        }
        OutputTarget target = Outputs.file(out, model, promptFile);
        try (TextEncoder enc = Encoders.load(model, common.encoderOptions())) {
            Encoding e = enc.encode(prompts);
            long b = e.batch();
            SafetensorsWriter w = new SafetensorsWriter()
                    .metadata("model", String.valueOf(enc.info().source()))
                    .metadata("family", enc.info().family())
                    .metadata("precision", enc.info().precision().label())
                    .putLongs("input_ids", Arrays.stream(e.inputIds()).flatMapToLong(Arrays::stream).toArray(),
                            b, e.length())
                    .putFloats("embeddings", e.embeddings(), b, e.length(), e.hidden())
                    .putFloats("last_hidden_state", e.lastHiddenState(), b, e.length(), e.hidden())
                    .putFloats("pooled", e.pooled(), b, e.pooledSize());
            target.write(w::writeTo);
            System.out.println("wrote " + out + " (" + b + " prompts, " + enc.info().family() + ", L="
                    + e.length() + ", D=" + e.hidden() + ")");
        }
        return 0;
    }
}

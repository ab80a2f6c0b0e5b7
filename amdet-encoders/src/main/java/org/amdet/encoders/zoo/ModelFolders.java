package org.amdet.encoders.zoo;

import org.amdet.io.OutputException;
import org.amdet.io.OutputTarget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Output folders of the zoo builder. A model folder is assembled in a hidden staging folder beside its target and
 * renamed into place when complete ({@link OutputTarget}), so a reader never sees half a model, and an interrupted
 * build leaves nothing. An existing non-empty target is replaced
 * only when asked ({@code force}) and only when it looks like a model folder (holds {@code config.json} or
 * {@code zoo.json}), so a mistyped {@code --out} never deletes unrelated files.
 */
final class ModelFolders {
    /** The files of a Hugging Face folder besides the weights that a loader may read; copied when present. */
    static final List<String> COPIED = List.of("config.json", "tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "added_tokens.json", "vocab.json", "merges.txt", "spiece.model");

    private ModelFolders() {
    }

    /**
     * Checks, before any work, that {@code out} can receive a model built from {@code base}; {@code inputs} are the
     * other files the command reads (prompt files, target vectors), which the output may not replace.
     */
    static OutputTarget checkOut(Path base, Path out, boolean force, Path... inputs) throws IOException {
        Path b = base.toRealPath();
        Path o = out.toAbsolutePath().normalize();
        Path oReal = Files.exists(o) ? o.toRealPath() : o;
        if (oReal.equals(b) || oReal.startsWith(b)) {
            throw new ZooInputException("output folder " + out + " is the base model folder or inside it");
        }
        if (Files.exists(o, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(o)) {
            if (!Files.isDirectory(o)) {
                throw new ZooInputException("output " + out + " exists and is not a folder");
            }
            if (!isEmpty(o)) {
                if (!force) {
                    throw new ZooInputException("output folder " + out + " exists and is not empty: choose another "
                            + "folder, or replace it with --force");
                }
                if (!Files.isRegularFile(o.resolve("config.json")) && !Files.isRegularFile(o.resolve("zoo.json"))) {
                    throw new ZooInputException("output folder " + out + " is not empty and holds no config.json or "
                            + "zoo.json: it does not look like a model folder, so it is not replaced even with "
                            + "--force");
                }
            }
        }
        List<Path> in = new ArrayList<>(Arrays.asList(inputs));
        in.add(base);
        long size = 0;
        try (Stream<Path> s = Files.list(base)) {
            for (Path f : s.filter(f -> Files.isRegularFile(f) && (f.toString().endsWith(".safetensors")
                    || COPIED.contains(f.getFileName().toString()))).toList()) {
                size += Files.size(f);
            }
        }
        try {
            // the new model is as large as the base (same tensors, same dtypes)
            return OutputTarget.wholeFolder("output folder", out, in).needing(size);
        } catch (OutputException e) {
            throw new ZooInputException(e.getMessage());
        }
    }

    /**
     * Writes the model folder {@code target} whole: a hidden staging folder beside it receives the base's non-weight
     * files and what {@code writer} adds, and replaces the old folder (if any) when complete; on failure or a signal
     * nothing is left.
     */
    static void write(OutputTarget target, Path base, OutputTarget.Writer writer) throws IOException {
        target.write(staging -> {
            for (String name : COPIED) {
                Path src = base.resolve(name);
                if (Files.isRegularFile(src)) {
                    Files.copy(src, staging.resolve(name));
                }
            }
            writer.write(staging);
        });
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}

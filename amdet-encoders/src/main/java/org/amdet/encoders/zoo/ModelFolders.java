package org.amdet.encoders.zoo;


import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;

/**
 * Output folders of the zoo builder. A model folder is assembled in a hidden staging folder beside its target and
 * renamed into place when complete, so a reader never sees half a model. An existing non-empty target is replaced
 * only when asked ({@code force}) and only when it looks like a model folder (holds {@code config.json} or
 * {@code zoo.json}), so a mistyped {@code --out} never deletes unrelated files.
 */
final class ModelFolders {
    /** The files of a Hugging Face folder besides the weights that a loader may read; copied when present. */
    static final List<String> COPIED = List.of("config.json", "tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "added_tokens.json", "vocab.json", "merges.txt", "spiece.model");

    private ModelFolders() {
    }

    /** Checks, before any work, that {@code out} can receive a model built from {@code base}. */
    static void checkOut(Path base, Path out, boolean force) throws IOException {
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
        Path parent = o.getParent();
        if (parent == null) {
            throw new ZooInputException("output folder " + out + " has no parent folder");
        }
        Files.createDirectories(parent);
        if (!Files.isWritable(parent)) {
            throw new ZooInputException("cannot write into " + parent + " (parent of " + out + ")");
        }
    }

    /** A fresh hidden staging folder beside {@code out}, with the base's non-weight files copied into it. */
    static Path stage(Path base, Path out) throws IOException {
        Path o = out.toAbsolutePath().normalize();
        Path staging = Files.createTempDirectory(o.getParent(), "." + o.getFileName() + ".partial-");
        for (String name : COPIED) {
            Path src = base.resolve(name);
            if (Files.isRegularFile(src)) {
                Files.copy(src, staging.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return staging;
    }

    /** Moves the complete {@code staging} folder to {@code out}, replacing an empty or (checked) old folder. */
    static void publish(Path staging, Path out) throws IOException {
        Path o = out.toAbsolutePath().normalize();
        Path old = null;
        if (Files.exists(o, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isSymbolicLink(o) || !isEmpty(o)) {
                old = o.resolveSibling("." + o.getFileName() + ".old-" + System.nanoTime());
                Files.move(o, old, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.delete(o);
            }
        }
        Files.move(staging, o, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) {
            deleteTree(old);
        }
    }

    /** Deletes a folder tree without following links (a link is removed, never what it points to). */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isSymbolicLink(root) || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(root);
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}

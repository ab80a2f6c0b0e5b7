package org.amdet.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.HashSet;

/**
 * One output being built aside: a hidden folder on the file system of the target (beside a new target, or inside an
 * existing target folder) holds the output until {@link #commit} flushes every file to disk and moves it into place —
 * the file or the new folder with one rename; into an existing folder, each entry with one rename (the entries it
 * replaces moved aside first, and moved back if a rename fails). {@link #close} without a commit removes everything
 * staged, and the folders it had to create.
 *
 * <p>On SIGINT, SIGTERM or {@code System.exit} a shutdown hook removes every output still being staged, so an
 * interrupted program leaves nothing half written. The hook and {@link #commit} exclude each other: a commit under way
 * finishes (it only renames), a commit after the hook fails. Files and folders get the process's default permissions
 * (umask), like any file the user creates. The registry of open outputs and the hook live in {@link StagingRegistry},
 * the file-tree operations (fsync, deletion without following links) in {@link FileTrees}.
 */
public final class StagedOutput implements Closeable {
    private enum State { OPEN, COMMITTED, DISCARDED }

    private final OutputTarget target;
    private final List<Path> createdParents = new ArrayList<>();
    private final Path realParent;
    private final Path root;
    private final Path content;
    private final boolean merge;
    private State state = State.OPEN;

    StagedOutput(OutputTarget target) throws IOException {
        this.target = target;
        Path abs = target.abs();
        String name = abs.getFileName().toString();
        synchronized (StagingRegistry.LOCK) {
            StagingRegistry.installHook();
            if (StagingRegistry.stopping()) {
                throw new OutputException(target.label() + " " + target.path() + ": the program is stopping");
            }
            createParents(abs.getParent());
            try {
                realParent = abs.getParent().toRealPath();
                merge = target.kind() == OutputTarget.Kind.FOLDER && Files.isDirectory(abs);
                root = merge ? FileTrees.createUnique(abs.toRealPath(), ".amdet-staging-")
                        : FileTrees.createUnique(realParent, "." + name + ".amdet-");
                content = target.kind() == OutputTarget.Kind.FILE ? root.resolve(name)
                        : Files.createDirectory(root.resolve("out"));
            } catch (IOException | RuntimeException e) {
                removeCreatedParents();
                throw e;
            }
            StagingRegistry.add(this);
        }
    }

    /** Where to write: the file to create, or the (empty) folder to fill. */
    public Path path() {
        return content;
    }

    /**
     * Flushes the staged output to disk and moves it into place.
     *
     * @throws OutputException when the output was removed meanwhile (the program is stopping), or an entry it would
     *                         replace is an input
     */
    public void commit() throws IOException {
        if (!Files.exists(content, LinkOption.NOFOLLOW_LINKS)) {
            throw new OutputException(target.label() + " " + target.path() + ": nothing was written to the staging "
                    + "place", "nothing was written", null);
        }
        FileTrees.sync(content);
        Path dest = realParent.resolve(target.abs().getFileName());
        synchronized (StagingRegistry.LOCK) {
            if (state != State.OPEN) {
                throw new OutputException(target.label() + " " + target.path() + ": cancelled (nothing written)",
                        "cancelled", null);
            }
            if (merge) {
                mergeInto(target.abs().toRealPath());
            } else if (target.kind() == OutputTarget.Kind.FILE) {
                if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(dest)
                        && !Files.isRegularFile(dest, LinkOption.NOFOLLOW_LINKS)) {
                    throw new OutputException(target.label() + " " + target.path() + " exists and is not a regular "
                            + "file: amdet replaces only regular files");
                }
                refuseInput(dest);
                Files.move(content, dest, StandardCopyOption.ATOMIC_MOVE);
            } else {
                replaceWhole(dest);
            }
            state = State.COMMITTED;
            StagingRegistry.remove(this);
        }
        FileTrees.syncDir(realParent);
        FileTrees.deleteQuietly(root);
    }

    /** Removes what is staged unless committed; removes the leftovers of a commit. Idempotent. */
    @Override
    public void close() {
        synchronized (StagingRegistry.LOCK) {
            discard();
        }
    }

    /** Removes what is staged unless committed, else the leftovers of the commit; the caller holds the lock. */
    void discard() {
        StagingRegistry.remove(this);
        if (state == State.OPEN) {
            state = State.DISCARDED;
            // renamed first: a writer still running can no longer create files under the staging path
            Path gone = root.resolveSibling(root.getFileName() + ".discarded");
            try {
                Files.move(root, gone, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                gone = root;
            }
            FileTrees.deleteQuietly(gone);
            removeCreatedParents();
        } else {
            FileTrees.deleteQuietly(root);
        }
    }

    private void mergeInto(Path dir) throws IOException {
        List<Path> entries;
        try (Stream<Path> s = Files.list(content)) {
            // data first, the .json files (report.json, evaluation.json) last
            entries = s.sorted(Comparator.comparing((Path p) -> p.getFileName().toString().endsWith(".json"))
                    .thenComparing(p -> p.getFileName().toString().equals("report.json"))
                    .thenComparing(Path::toString)).toList();
        }
        for (Path e : entries) {
            refuseInput(dir.resolve(e.getFileName().toString()));
        }
        // entries of an earlier output that this one lacks go too (moved aside, like the replaced ones)
        Set<String> names = new HashSet<>();
        entries.forEach(e -> names.add(e.getFileName().toString()));
        List<Path> stale = new ArrayList<>();
        for (String n : target.owned()) {
            Path dst = dir.resolve(n);
            if (!names.contains(n) && Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
                refuseInput(dst);
                stale.add(dst);
            }
        }
        Path aside = root.resolve("previous");
        List<Path[]> done = new ArrayList<>();
        try {
            for (Path dst : stale) {
                if (!Files.exists(aside)) {
                    Files.createDirectory(aside);
                }
                Path old = aside.resolve(dst.getFileName().toString());
                Files.move(dst, old, StandardCopyOption.ATOMIC_MOVE);
                done.add(new Path[] {dst, old});
            }
            for (Path e : entries) {
                Path dst = dir.resolve(e.getFileName().toString());
                if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
                    if (!Files.exists(aside)) {
                        Files.createDirectory(aside);
                    }
                    Path old = aside.resolve(e.getFileName().toString());
                    Files.move(dst, old, StandardCopyOption.ATOMIC_MOVE);
                    done.add(new Path[] {dst, old});
                }
                Files.move(e, dst, StandardCopyOption.ATOMIC_MOVE);
                done.add(new Path[] {e, dst});
            }
        } catch (IOException ex) {
            for (int i = done.size() - 1; i >= 0; i--) {
                try {
                    Files.move(done.get(i)[1], done.get(i)[0], StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException ignored) {
                    // best effort: the rest is removed with the staging folder
                }
            }
            throw ex;
        }
        FileTrees.syncDir(dir);
    }

    private void replaceWhole(Path dest) throws IOException {
        Path old = null;
        if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
            refuseInput(dest);
            old = root.resolve("previous");
            Files.move(dest, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(content, dest, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, dest, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
    }

    private void refuseInput(Path dest) throws OutputException {
        Path real = dest;
        try {
            if (Files.exists(dest)) {
                real = dest.toRealPath();
            }
        } catch (IOException e) {
            // keep the unresolved path
        }
        for (Path p : new Path[] {dest, real}) {
            OutputTarget.Input in = target.inputAt(p);
            if (in != null) {
                throw new OutputException(target.label() + " " + target.path() + ": writing it would replace "
                        + dest.getFileName() + ", which is or holds the input " + in.given() + "; nothing written");
            }
        }
    }

    /** Creates the missing folders above the target, remembering them to remove them again on failure. */
    private void createParents(Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            Files.createDirectory(p);
            createdParents.add(p);
        }
    }

    private void removeCreatedParents() {
        for (int i = createdParents.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(createdParents.get(i));
            } catch (IOException e) {
                return; // not empty: something else wrote there
            }
        }
    }

    /** A new hidden folder named {@code prefix} + a random suffix inside {@code dir}, with default permissions. */
    static Path createUnique(Path dir, String prefix) throws IOException {
        return FileTrees.createUnique(dir, prefix);
    }

    /** Deletes a folder tree without following links (a link is removed, never what it points to). */
    public static void deleteTree(Path root) throws IOException {
        FileTrees.deleteTree(root);
    }

    /**
     * Removes every output still being staged and refuses new ones; what the shutdown hook does. Returns the targets
     * whose unfinished output was removed.
     */
    public static List<Path> abortAll() {
        return StagingRegistry.abortAll();
    }

    /**
     * A new temporary folder (in {@code java.io.tmpdir}) that the shutdown hook removes if the program is stopped
     * before {@link #deleteScratch} does (e.g. the demo's extracted models).
     */
    public static Path scratchFolder(String prefix) throws IOException {
        return StagingRegistry.scratchFolder(prefix);
    }

    /** Deletes a folder made by {@link #scratchFolder}. */
    public static void deleteScratch(Path p) throws IOException {
        StagingRegistry.deleteScratch(p);
    }

    /** For tests of this package: forgets an {@link #abortAll} so outputs can be staged again. */
    static void resetForTests() {
        StagingRegistry.resetForTests();
    }

    /** Whether the program is stopping (the shutdown hook ran): outputs are being removed, not written. */
    public static boolean stopping() {
        return StagingRegistry.stopping();
    }

    /**
     * Installs the shutdown hook now and calls {@code listener} from it, after the unfinished outputs are removed,
     * with their targets (e.g. to print one line saying so).
     */
    public static void onShutdown(Consumer<List<Path>> listener) {
        StagingRegistry.onShutdown(listener);
    }

    // ---- for StagingRegistry (callers hold StagingRegistry.LOCK) ----------------------------------------------

    /** Whether this output is still open: neither committed nor discarded. */
    boolean open() {
        return state == State.OPEN;
    }

    /** The real folder the output goes into. */
    Path realParent() {
        return realParent;
    }

    /** The hidden staging folder. */
    Path stagingRoot() {
        return root;
    }

    /** The target as the user gave it. */
    Path targetPath() {
        return target.path();
    }
}

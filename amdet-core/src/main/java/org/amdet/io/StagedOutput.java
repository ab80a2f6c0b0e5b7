package org.amdet.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.nio.file.FileAlreadyExistsException;
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
 * (umask), like any file the user creates.
 */
public final class StagedOutput implements Closeable {
    private static final Object LOCK = new Object();
    private static final Set<StagedOutput> ACTIVE = new LinkedHashSet<>();
    private static final Set<Path> SCRATCH = new LinkedHashSet<>();
    private static boolean shuttingDown;
    private static boolean hookInstalled;
    private static volatile Consumer<List<Path>> shutdownListener;

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
        synchronized (LOCK) {
            installHook();
            if (shuttingDown) {
                throw new OutputException(target.label() + " " + target.path() + ": the program is stopping");
            }
            createParents(abs.getParent());
            try {
                realParent = abs.getParent().toRealPath();
                merge = target.kind() == OutputTarget.Kind.FOLDER && Files.isDirectory(abs);
                root = merge ? createUnique(abs.toRealPath(), ".amdet-staging-")
                        : createUnique(realParent, "." + name + ".amdet-");
                content = target.kind() == OutputTarget.Kind.FILE ? root.resolve(name)
                        : Files.createDirectory(root.resolve("out"));
            } catch (IOException | RuntimeException e) {
                removeCreatedParents();
                throw e;
            }
            ACTIVE.add(this);
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
        sync(content);
        Path dest = realParent.resolve(target.abs().getFileName());
        synchronized (LOCK) {
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
            ACTIVE.remove(this);
        }
        syncDir(realParent);
        deleteQuietly(root);
    }

    /** Removes what is staged unless committed; removes the leftovers of a commit. Idempotent. */
    @Override
    public void close() {
        synchronized (LOCK) {
            discard();
        }
    }

    private void discard() {
        ACTIVE.remove(this);
        if (state == State.OPEN) {
            state = State.DISCARDED;
            // renamed first: a writer still running can no longer create files under the staging path
            Path gone = root.resolveSibling(root.getFileName() + ".discarded");
            try {
                Files.move(root, gone, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                gone = root;
            }
            deleteQuietly(gone);
            removeCreatedParents();
        } else {
            deleteQuietly(root);
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
        syncDir(dir);
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
        for (int i = 0; ; i++) {
            Path p = dir.resolve(prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
            try {
                return Files.createDirectory(p);
            } catch (FileAlreadyExistsException e) {
                if (i > 100) {
                    throw e;
                }
            }
        }
    }

    /** fsync of every file and folder under {@code p}, so a crash after the rename leaves complete files. */
    private static void sync(Path p) throws IOException {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                try (FileChannel c = FileChannel.open(p, StandardOpenOption.READ)) {
                    c.force(true);
                }
            }
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                if (a.isRegularFile()) {
                    try (FileChannel c = FileChannel.open(f, StandardOpenOption.READ)) {
                        c.force(true);
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                syncDir(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void syncDir(Path d) {
        try (FileChannel c = FileChannel.open(d, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException e) {
            // not every platform can open a folder for fsync; the rename is still atomic
        }
    }

    /** Deletes a tree without following links; what cannot be deleted is left. */
    static void deleteQuietly(Path root) {
        for (int attempt = 0; attempt < 3 && Files.exists(root, LinkOption.NOFOLLOW_LINKS); attempt++) {
            try {
                deleteTree(root);
            } catch (IOException e) {
                // a writer still running may have added a file: try again
            }
        }
    }

    /** Deletes a folder tree without following links (a link is removed, never what it points to). */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(root);
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.deleteIfExists(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Removes every output still being staged and refuses new ones; what the shutdown hook does. Returns the targets
     * whose unfinished output was removed.
     */
    public static List<Path> abortAll() {
        synchronized (LOCK) {
            shuttingDown = true;
            List<Path> removed = new ArrayList<>();
            List<StagedOutput> active = List.copyOf(ACTIVE);
            for (StagedOutput s : active) {
                // an output staged inside another one (a report folder inside an evaluation) is not named apart
                boolean nested = active.stream().anyMatch(o -> o != s && s.realParent.startsWith(o.root));
                if (s.state == State.OPEN && !nested) {
                    removed.add(s.target.path());
                }
            }
            for (StagedOutput s : active) {
                s.discard();
            }
            for (Path p : SCRATCH) {
                deleteQuietly(p);
            }
            SCRATCH.clear();
            return removed;
        }
    }

    /**
     * A new temporary folder (in {@code java.io.tmpdir}) that the shutdown hook removes if the program is stopped
     * before {@link #deleteScratch} does (e.g. the demo's extracted models).
     */
    public static Path scratchFolder(String prefix) throws IOException {
        synchronized (LOCK) {
            installHook();
            Path p = Files.createTempDirectory(prefix);
            SCRATCH.add(p);
            return p;
        }
    }

    /** Deletes a folder made by {@link #scratchFolder}. */
    public static void deleteScratch(Path p) throws IOException {
        synchronized (LOCK) {
            SCRATCH.remove(p);
            deleteTree(p);
        }
    }

    /** For tests of this package: forgets an {@link #abortAll} so outputs can be staged again. */
    static void resetForTests() {
        synchronized (LOCK) {
            shuttingDown = false;
            ACTIVE.clear();
        }
    }

    /** Whether the program is stopping (the shutdown hook ran): outputs are being removed, not written. */
    public static boolean stopping() {
        synchronized (LOCK) {
            return shuttingDown;
        }
    }

    /**
     * Installs the shutdown hook now and calls {@code listener} from it, after the unfinished outputs are removed,
     * with their targets (e.g. to print one line saying so).
     */
    public static void onShutdown(Consumer<List<Path>> listener) {
        shutdownListener = listener;
        synchronized (LOCK) {
            installHook();
        }
    }

    private static void installHook() {
        if (!hookInstalled) {
            hookInstalled = true;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                List<Path> removed = abortAll();
                Consumer<List<Path>> l = shutdownListener;
                if (l != null) {
                    l.accept(removed);
                }
            }, "amdet-output-cleanup"));
        }
    }
}

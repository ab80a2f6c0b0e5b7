package org.amdet.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The process-wide registry of outputs still being staged and of scratch folders, and the shutdown hook that removes
 * them: on SIGINT, SIGTERM or {@code System.exit} the hook {@linkplain #abortAll() aborts} every open
 * {@link StagedOutput}, deletes every scratch folder and refuses new outputs. Every field is guarded by {@link #LOCK},
 * which {@link StagedOutput} also holds while it commits or discards, so a commit and the hook exclude each other.
 * The public entry points are the static methods of {@link StagedOutput}.
 */
final class StagingRegistry {
    /** Guards this registry and every {@link StagedOutput}'s state. */
    static final Object LOCK = new Object();
    private static final Set<StagedOutput> ACTIVE = new LinkedHashSet<>();
    private static final Set<Path> SCRATCH = new LinkedHashSet<>();
    private static boolean shuttingDown;
    private static boolean hookInstalled;
    private static volatile Consumer<List<Path>> shutdownListener;

    private StagingRegistry() {
    }

    /** Registers an output being staged; the caller holds {@link #LOCK}. */
    static void add(StagedOutput s) {
        ACTIVE.add(s);
    }

    /** Forgets a committed or discarded output; the caller holds {@link #LOCK}. */
    static void remove(StagedOutput s) {
        ACTIVE.remove(s);
    }

    /** See {@link StagedOutput#abortAll()}. */
    static List<Path> abortAll() {
        synchronized (LOCK) {
            shuttingDown = true;
            List<Path> removed = new ArrayList<>();
            List<StagedOutput> active = List.copyOf(ACTIVE);
            for (StagedOutput s : active) {
                // an output staged inside another one (a report folder inside an evaluation) is not named apart
                boolean nested = active.stream().anyMatch(o -> o != s && s.realParent().startsWith(o.stagingRoot()));
                if (s.open() && !nested) {
                    removed.add(s.targetPath());
                }
            }
            for (StagedOutput s : active) {
                s.discard();
            }
            for (Path p : SCRATCH) {
                FileTrees.deleteQuietly(p);
            }
            SCRATCH.clear();
            return removed;
        }
    }

    /** See {@link StagedOutput#scratchFolder(String)}. */
    static Path scratchFolder(String prefix) throws IOException {
        synchronized (LOCK) {
            installHook();
            Path p = Files.createTempDirectory(prefix);
            SCRATCH.add(p);
            return p;
        }
    }

    /** See {@link StagedOutput#deleteScratch(Path)}. */
    static void deleteScratch(Path p) throws IOException {
        synchronized (LOCK) {
            SCRATCH.remove(p);
            FileTrees.deleteTree(p);
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
    static boolean stopping() {
        synchronized (LOCK) {
            return shuttingDown;
        }
    }

    /** See {@link StagedOutput#onShutdown(Consumer)}. */
    static void onShutdown(Consumer<List<Path>> listener) {
        shutdownListener = listener;
        synchronized (LOCK) {
            installHook();
        }
    }

    /** Installs the shutdown hook once; the caller holds {@link #LOCK}. */
    static void installHook() {
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

package org.amdet.landscape.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.net.URISyntaxException;
import java.security.CodeSource;
import org.bytedeco.javacpp.Loader;

/**
 * Internal (not part of the API): loads a set of JavaCPP natives so that no amdet JVM maps a library another JVM is
 * still extracting into the same JavaCPP cache folder.
 * <p>
 * JavaCPP extracts each library under a lock on the cache folder, but loads without it, and loads LibTorch's small
 * {@code libtorch.so} before it extracts {@code libtorch_cpu.so} (330 MB), expecting that load to fail. With two JVMs
 * starting on an empty cache, the second one's {@code libtorch.so} finds the {@code libtorch_cpu.so} the first one is
 * still writing; the dynamic linker maps it and touches pages past its current end: SIGBUS in ld.so, an hs_err file and
 * exit 134 (measured: 3 of 4 pairs of JVMs started together on an empty cache). The first load of each set therefore
 * runs under an exclusive file lock ({@code .amdet-natives.lock} in the cache folder) and leaves a marker
 * ({@code .amdet-<key>.ready}); once the marker exists the cache holds every file whole and loads take no lock.
 * Only amdet JVMs honour the lock: another JavaCPP application first-running on the same cache folder at the same
 * moment can still meet the race.
 */
public final class NativeCache {
    private static final Logger LOG = LoggerFactory.getLogger(NativeCache.class);
    private static final Object IN_PROCESS = new Object(); // a JVM may hold a file lock only once

    private NativeCache() {
    }

    /**
     * Runs {@code load} (which loads natives through JavaCPP), the first time for this cache folder and {@code key}
     * under the cache folder's amdet lock, waiting for another JVM's first load to finish.
     *
     * @param key names the set of natives, e.g. the jar they come from (a new version gets a new marker)
     */
    public static void load(String key, Runnable load) {
        Path dir;
        try {
            dir = Loader.getCacheDir().toPath();
        } catch (IOException | RuntimeException e) {
            LOG.debug("no JavaCPP cache folder ({}): loading without the lock", e.toString());
            load.run();
            return;
        }
        Path marker = dir.resolve(".amdet-" + key.replaceAll("[^A-Za-z0-9._-]", "_") + ".ready");
        if (Files.exists(marker)) {
            load.run();
            return;
        }
        synchronized (IN_PROCESS) {
            boolean ran = false;
            try (FileChannel ch = FileChannel.open(dir.resolve(".amdet-natives.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                FileLock lock = null;
                try {
                    lock = ch.lock(); // released when the channel closes
                } catch (IOException | RuntimeException e) {
                    LOG.debug("cannot lock the JavaCPP cache folder {} ({}): loading without the lock", dir,
                            e.toString());
                }
                ran = true;
                load.run();
                if (lock != null) {
                    try {
                        Files.createFile(marker);
                    } catch (FileAlreadyExistsException e) {
                        // another JVM's load was first to finish
                    }
                }
            } catch (IOException e) {
                LOG.debug("cannot use the amdet lock in {} ({})", dir, e.toString());
                if (!ran) {
                    load.run(); // no lock file: load as JavaCPP alone would
                }
            }
        }
    }

    /** A key for {@link #load}: the name of the jar (or folder) {@code c} comes from, else its class name. */
    public static String keyOf(Class<?> c) {
        try {
            CodeSource cs = c.getProtectionDomain().getCodeSource();
            if (cs != null && cs.getLocation() != null) {
                Path p = Path.of(cs.getLocation().toURI()).getFileName();
                if (p != null) {
                    return p.toString();
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall back to the class name
        }
        return c.getName();
    }
}

package org.amdet.encoders;

import org.amdet.ModelLoadException;
import org.amdet.io.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The provenance of one load: every file whose bytes become part of the encoder (config.json, the safetensors files
 * or the {@code .pt}, tokenizer.json, tokenizer_config.json), each hashed (SHA-256) from the very bytes read — the
 * buffer that is parsed, or the open channel whose mapping becomes the weights — and checked unchanged (same inode,
 * size, modification and change times) once the weights are copied. A file replaced or rewritten while it was being
 * loaded is a {@link ModelLoadException}; a file changed after the load no longer matters, since the encoder holds
 * its own copy of what was hashed. The report quotes these hashes, never a re-read of the files after a scan.
 */
final class LoadedFiles {
    private record Entry(Path path, String sha256, Map<String, Object> identity) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, Hasher> pending = new LinkedHashMap<>();

    /** Reads {@code file} (at most {@code max + 1} bytes: a longer result means the file is above the cap). */
    static byte[] readCapped(Path file, long max) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, max + 1));
        }
    }

    /**
     * Reads {@code file} as {@link #readCapped} and records the hash of the bytes returned (when within the cap):
     * the caller parses exactly what was hashed.
     */
    byte[] read(Path file, long max) throws IOException {
        Map<String, Object> before = identity(file);
        byte[] bytes = readCapped(file, max);
        if (bytes.length <= max) {
            add(file, Sha256.of(bytes), before);
        }
        return bytes;
    }

    /** Records {@code file}, hashed by the caller from the channel it loads from, with its identity taken before. */
    void add(Path file, String sha256, Map<String, Object> identityBefore) {
        entries.put(file.getFileName().toString(), new Entry(file, sha256, identityBefore));
    }

    /** Computes the hash of a file when asked ({@link #hashPending}). */
    interface Hasher {
        String sha256() throws ModelLoadException;
    }

    /**
     * Records {@code file} whose hash is computed later by {@code hasher} (reading a whole checkpoint waits until the
     * loader has checked, from the header alone, that the model fits in memory: a sparse file declaring terabytes is
     * refused in milliseconds, not hashed first).
     */
    void addLater(Path file, Map<String, Object> identityBefore, Hasher hasher) {
        add(file, null, identityBefore);
        pending.put(file.getFileName().toString(), hasher);
    }

    /** Hashes {@code file} later through a channel of its own (for a file another reader opens by path). */
    void hashLater(Path file) {
        addLater(file, identity(file), () -> {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                return Sha256.of(ch);
            } catch (IOException e) {
                throw new ModelLoadException(file, "cannot read: " + e.getMessage(), e);
            }
        });
    }

    /** Computes every hash recorded with {@link #addLater}. */
    void hashPending() throws ModelLoadException {
        for (Map.Entry<String, Hasher> p : pending.entrySet()) {
            Entry e = entries.get(p.getKey());
            entries.put(p.getKey(), new Entry(e.path(), p.getValue().sha256(), e.identity()));
        }
        pending.clear();
    }

    /** What identifies a file's contents without reading them: inode, size, modification and change times. */
    static Map<String, Object> identity(Path file) {
        try {
            return Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            try {
                Map<String, Object> m = new LinkedHashMap<>(Files.readAttributes(file, "size,lastModifiedTime"));
                m.put("fileKey", Files.readAttributes(file, BasicFileAttributes.class)
                        .fileKey());
                return m;
            } catch (IOException ex) {
                return Map.of("unreadable", ex.getClass().getName());
            }
        } catch (IOException e) {
            return Map.of("unreadable", e.getClass().getName());
        }
    }

    /**
     * Throws when a recorded file was replaced or rewritten since it was read: the hash would not prove what was
     * loaded.
     */
    void verifyUnchanged() throws ModelLoadException {
        for (Entry e : entries.values()) {
            if (!identity(e.path()).equals(e.identity())) {
                throw new ModelLoadException(e.path(), "changed while it was being loaded (replaced or rewritten: "
                        + "its inode, size or times differ from when reading began), so its hash would not prove "
                        + "what was loaded; load it again once it is stable");
            }
        }
    }

    /** SHA-256 of every recorded file by file name, in reading order (pending hashes are computed first). */
    Map<String, String> digests() throws ModelLoadException {
        hashPending();
        Map<String, String> out = new LinkedHashMap<>();
        entries.forEach((k, v) -> out.put(k, v.sha256()));
        return Collections.unmodifiableMap(out);
    }

    /** The hash recorded for the file called {@code name}, or null. */
    String digest(String name) {
        Entry e = entries.get(name);
        return e == null ? null : e.sha256();
    }
}

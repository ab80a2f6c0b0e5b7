package org.amdet.io;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.amdet.ModelLoadException;
import org.amdet.PromptFileException;

/**
 * Where an output file or folder goes, checked before any work: the place must be (or can be made) a writable
 * folder, an existing target must be of the right kind (a regular file or a link for a file, a folder for a folder —
 * never a device, FIFO or socket), and the target must not be, or lie inside, any of the command's inputs. The
 * output itself is then written by {@link #write} (or {@link #stage} and {@link StagedOutput#commit}): built aside,
 * flushed to disk, moved into place whole, or removed.
 *
 * <p>A file target that is a symbolic link is replaced (the link, never what it points to); a folder target that is a
 * link to a folder is followed. Immutable.
 */
public final class OutputTarget {
    /** How the output replaces what is at its place. */
    enum Kind {
        /** One file; an existing file or link at the name is replaced. */
        FILE,
        /** A folder; into an existing folder, each of the output's entries replaces the entry of the same name. */
        FOLDER,
        /** A folder that replaces an existing folder as a whole (a model folder: no old file may survive in it). */
        WHOLE_FOLDER
    }

    private final String label;
    private final Path given;
    private final Path abs;
    private final Kind kind;
    private final List<Input> inputs;
    private final Set<String> owned;

    /** An input that no output may replace or be written into: its real path and file key. */
    record Input(Path real, Object key, boolean folder, Path given) {
    }

    private OutputTarget(String label, Path given, Kind kind, Collection<Path> inputs) throws IOException {
        this.label = Objects.requireNonNull(label, "label");
        this.given = Objects.requireNonNull(given, "path");
        this.abs = given.toAbsolutePath().normalize();
        this.kind = kind;
        if (abs.getParent() == null) {
            throw new OutputException(label + " " + given + " is the root folder: choose a folder or file inside it");
        }
        List<Input> in = new ArrayList<>();
        for (Path p : inputs) {
            if (p != null && Files.exists(p)) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                in.add(new Input(p.toRealPath(), a.fileKey(), a.isDirectory(), p));
            }
        }
        this.inputs = List.copyOf(in);
        this.owned = Set.of();
        check();
    }

    private OutputTarget(OutputTarget o, Set<String> owned) {
        this.label = o.label;
        this.given = o.given;
        this.abs = o.abs;
        this.kind = o.kind;
        this.inputs = o.inputs;
        this.owned = Set.copyOf(owned);
    }

    /**
     * This folder output, owning the entries {@code names} of an existing folder: at the commit, an entry of these
     * names that the new output lacks is removed with the rest replaced (e.g. {@code landscape.png} of an earlier
     * report when the new one has no landscape), so the folder never mixes two outputs.
     */
    public OutputTarget owning(Collection<String> names) {
        return new OutputTarget(this, new HashSet<>(names));
    }

    /**
     * Checks now that the target's file system has at least {@code bytes} free, so an output that cannot fit fails
     * before the work that makes it (a full disk found only when writing still leaves nothing).
     *
     * @return this
     */
    public OutputTarget needing(long bytes) throws OutputException {
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return this;
        }
        long free;
        try {
            free = Files.getFileStore(existing).getUsableSpace();
        } catch (IOException e) {
            return this; // unknown: the write itself will tell
        }
        if (free < bytes) {
            throw new OutputException(label + " " + given + ": only " + kib(free) + " free on its file system, the "
                    + "output needs at least " + kib(bytes) + " (nothing written)");
        }
        return this;
    }

    private static String kib(long bytes) {
        return bytes >= 10L << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    Set<String> owned() {
        return owned;
    }

    /**
     * A file output, checked now.
     *
     * @param label  how messages name the output (e.g. {@code --out})
     * @param inputs the files and folders the command reads; the output may not be one of them or inside a folder
     */
    public static OutputTarget file(String label, Path file, Collection<Path> inputs) throws IOException {
        return new OutputTarget(label, file, Kind.FILE, inputs);
    }

    /** A folder output, checked now: its entries replace the existing entries of the same name. */
    public static OutputTarget folder(String label, Path dir, Collection<Path> inputs) throws IOException {
        return new OutputTarget(label, dir, Kind.FOLDER, inputs);
    }

    /** A folder output that replaces an existing folder as a whole (the caller decides whether it may). */
    public static OutputTarget wholeFolder(String label, Path dir, Collection<Path> inputs) throws IOException {
        return new OutputTarget(label, dir, Kind.WHOLE_FOLDER, inputs);
    }

    /** The target as given. */
    public Path path() {
        return given;
    }

    String label() {
        return label;
    }

    Path abs() {
        return abs;
    }

    Kind kind() {
        return kind;
    }

    /** A staging place for the output; write into {@link StagedOutput#path()}, then commit (or close to drop it). */
    public StagedOutput stage() throws IOException {
        return new StagedOutput(this);
    }

    /** Something that writes an output into the path it is given. */
    @FunctionalInterface
    public interface Writer {
        /** Writes the whole output into {@code staged}, which the caller then moves into place. */
        void write(Path staged) throws IOException;
    }

    /**
     * Writes the output through a staging place and moves it into place whole; on any failure nothing is left and
     * the error names this output in one line (e.g. "--out /x/o: cannot write: No space left on device").
     */
    public void write(Writer writer) throws IOException {
        try (StagedOutput s = stage()) {
            writer.write(s.path());
            s.commit();
        } catch (OutputException e) {
            if (e.getMessage().startsWith(label + " " + given + ":")) {
                throw e;
            }
            throw failure(e);
        } catch (ModelLoadException | PromptFileException e) {
            throw e; // an input's fault, not the output's
        } catch (IOException e) {
            throw failure(e);
        }
    }

    OutputException failure(IOException e) {
        String reason = OutputException.reasonOf(e);
        return new OutputException(label + " " + given + ": cannot write: " + reason + " (nothing written)", reason, e);
    }

    private void check() throws IOException {
        boolean isLink = Files.isSymbolicLink(abs);
        boolean existsNoFollow = Files.exists(abs, LinkOption.NOFOLLOW_LINKS);
        if (kind == Kind.FILE) {
            if (isLink && !Files.exists(abs) && loops(abs)) {
                throw new OutputException(label + " " + given + " is a loop of symbolic links");
            }
            if (Files.isDirectory(abs)) {
                throw new OutputException(label + " " + given + " is a folder, expected a file name");
            }
            if (existsNoFollow && !isLink && !Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS)) {
                throw new OutputException(label + " " + given + " exists and is not a regular file (" + what(abs)
                        + "): amdet replaces only regular files");
            }
            checkDir(abs.getParent(), "cannot create output folder " + abs.getParent());
        } else {
            if (isLink && !Files.exists(abs)) {
                throw new OutputException(label + " " + given + " is a symbolic link that leads to no folder ("
                        + (loops(abs) ? "a loop of links" : "dangling") + ")");
            }
            if (existsNoFollow && !Files.isDirectory(abs)) {
                throw new OutputException(label + " " + given + " exists and is not a folder");
            }
            if (Files.isDirectory(abs)) {
                if (!Files.isWritable(abs)) {
                    throw new OutputException("output folder " + given + " is not writable");
                }
                probe(abs.toRealPath(), "output folder " + given + " is not writable");
            } else {
                checkDir(abs.getParent(), "cannot create output folder " + given);
            }
        }
        checkNotAnInput();
    }

    /** The nearest existing folder at or above {@code dir} must be a writable folder. */
    private void checkDir(Path dir, String prefix) throws IOException {
        Path existing = dir;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new OutputException(prefix + ": no existing folder above it");
        }
        Path real;
        try {
            real = existing.toRealPath();
        } catch (FileSystemException e) {
            throw new OutputException(prefix + ": " + (e.getReason() != null ? e.getReason()
                    : existing + " is a symbolic link that leads nowhere"));
        }
        if (!Files.isDirectory(real)) {
            throw new OutputException(prefix + ": " + existing + " is not a folder");
        }
        probe(real, prefix);
    }

    /** Creates and removes a hidden folder in {@code dir}: permission bits do not stop root, this does. */
    private static void probe(Path dir, String prefix) throws OutputException {
        try {
            Path p = StagedOutput.createUnique(dir, ".amdet-probe-");
            Files.delete(p);
        } catch (IOException e) {
            throw new OutputException(prefix + ": " + OutputException.reasonOf(e));
        }
    }

    /** Refuses a target that is an input, or inside an input folder (by real path, and by file key for bind mounts). */
    private void checkNotAnInput() throws IOException {
        Path loc = realLocation();
        for (Input in : inputs) {
            if (loc.equals(in.real()) || (in.folder() && loc.startsWith(in.real()))) {
                throw refused(in);
            }
        }
        for (Path a = existingAncestor(loc); a != null; a = a.getParent()) {
            Object key = Files.readAttributes(a, BasicFileAttributes.class).fileKey();
            for (Input in : inputs) {
                if (in.folder() && key != null && key.equals(in.key())) {
                    throw refused(in);
                }
            }
        }
    }

    private OutputException refused(Input in) {
        return new OutputException(label + " " + given + " is "
                + (in.folder() ? "inside the input folder " : "the input ") + in.given()
                + ": amdet never writes over or into what it reads; choose another place");
    }

    /** Whether {@code p} (the real place of an entry about to be replaced) is an input or holds one. */
    Input inputAt(Path p) {
        for (Input in : inputs) {
            if (in.real().equals(p) || in.real().startsWith(p) || (in.folder() && p.startsWith(in.real()))) {
                return in;
            }
        }
        return null;
    }

    /** Where the output lands, with every existing link resolved (a file target's own link is not followed). */
    Path realLocation() throws IOException {
        if (kind != Kind.FILE && Files.isDirectory(abs)) {
            return abs.toRealPath();
        }
        Deque<Path> rest = new ArrayDeque<>();
        Path existing = abs.getParent();
        while (existing != null && !Files.exists(existing)) {
            rest.push(existing.getFileName());
            existing = existing.getParent();
        }
        Path real = existing == null ? abs.getRoot() : existing.toRealPath();
        while (!rest.isEmpty()) {
            real = real.resolve(rest.pop());
        }
        return real.resolve(abs.getFileName());
    }

    private static Path existingAncestor(Path p) {
        Path a = p;
        while (a != null && !Files.exists(a)) {
            a = a.getParent();
        }
        return a;
    }

    private static String what(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isOther() ? "a device, FIFO or socket" : "not a regular file";
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /** Whether resolving {@code p} fails because of a loop of symbolic links (ELOOP). */
    private static boolean loops(Path p) {
        try {
            p.toRealPath();
            return false;
        } catch (FileSystemException e) {
            return e.getReason() != null && e.getReason().toLowerCase(Locale.ROOT).contains("symbolic");
        } catch (IOException e) {
            return false;
        }
    }
}

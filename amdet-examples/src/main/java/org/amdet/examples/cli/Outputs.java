package org.amdet.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Checks output locations before any work is done, so a bad --out fails fast and nothing is written half. A folder
 * given as a symbolic link is followed (the user chose it); a link that leads nowhere (dangling, or a loop of links)
 * is refused. Files are written to a temporary name and renamed into place, so an existing file or symbolic link at
 * a target name is replaced, never written through.
 */
final class Outputs {
    private Outputs() {
    }

    /** A file path whose folder exists (or can be made) and is writable, and which is not a folder. */
    static Path checkWritableFile(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        if (Files.isSymbolicLink(abs) && !Files.exists(abs) && loops(abs)) {
            throw new AmdetCli.CliException("--out " + file + " is a loop of symbolic links");
        }
        if (Files.isDirectory(abs)) {
            throw new AmdetCli.CliException("--out " + file + " is a folder, expected a file name");
        }
        Path dir = abs.getParent();
        checkWritableDir(dir);
        return abs;
    }

    /** A folder that exists or can be created, and is writable. */
    static Path checkWritableDir(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isSymbolicLink(abs) && !Files.exists(abs)) {
            throw new AmdetCli.CliException("--out " + dir + " is a symbolic link that leads to no folder ("
                    + (loops(abs) ? "a loop of links" : "dangling") + ")");
        }
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(abs)) {
            throw new AmdetCli.CliException("--out " + dir + " exists and is not a folder");
        }
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw new AmdetCli.CliException("cannot create output folder " + dir + ": " + e.getMessage());
        }
        if (!Files.isWritable(abs)) {
            throw new AmdetCli.CliException("output folder " + dir + " is not writable");
        }
        Path probe;
        try {
            probe = Files.createTempFile(abs, ".amdet-probe", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new AmdetCli.CliException("output folder " + dir + " is not writable: " + e.getMessage());
        }
        return abs;
    }

    /** Whether resolving {@code p} fails because of a loop of symbolic links (ELOOP). */
    private static boolean loops(Path p) {
        try {
            p.toRealPath();
            return false;
        } catch (java.nio.file.FileSystemException e) {
            return e.getReason() != null && e.getReason().toLowerCase(java.util.Locale.ROOT).contains("symbolic");
        } catch (IOException e) {
            return false;
        }
    }
}

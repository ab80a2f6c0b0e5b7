package org.amdet.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Checks output locations before any work is done, so a bad --out fails fast and nothing is written half. */
final class Outputs {
    private Outputs() {
    }

    /** A file path whose folder exists (or can be made) and is writable, and which is not a folder. */
    static Path checkWritableFile(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
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
}

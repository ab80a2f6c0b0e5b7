package org.amdet.examples.cli;

import org.amdet.io.OutputTarget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The CLI's output places, checked before any work so a bad {@code --out} fails fast (exit 2, one line): writable,
 * of the right kind (an existing file target must be a regular file or a link — never a device, FIFO or socket), and
 * never an input or inside an input model folder. The output is then built aside and moved into place whole at the
 * end ({@link OutputTarget#write}), or nothing is left — also when the program is stopped by SIGINT or SIGTERM.
 * A folder given as a symbolic link is followed (the user chose it); a link that leads nowhere is refused; a file
 * target that is a link is replaced, never written through.
 */
final class Outputs {
    /**
     * Free space a scan report folder needs at the least (measured: 0.7 MB on the tiny zoo models, more with a larger
     * hidden size); checked before the scan so a full disk fails at once, not after the scan.
     */
    static final long REPORT_BYTES = 1L << 20;

    private Outputs() {
    }

    /** A file output, checked against the command's inputs ({@code null}s ignored). */
    static OutputTarget file(Path file, Path... inputs) throws IOException {
        return OutputTarget.file("--out", file, expand(inputs));
    }

    /** A folder output, checked against the command's inputs ({@code null}s ignored). */
    static OutputTarget folder(Path dir, Path... inputs) throws IOException {
        return OutputTarget.folder("--out", dir, expand(inputs));
    }

    /**
     * The places a model input occupies: a model folder as a whole; for a checkpoint file (LongCLIP {@code .pt}), the
     * file and the tokenizer and config files read beside it.
     */
    private static List<Path> expand(Path... inputs) {
        List<Path> out = new ArrayList<>();
        for (Path p : inputs) {
            if (p == null) {
                continue;
            }
            out.add(p);
            if (Files.isRegularFile(p) && p.toString().endsWith(".pt")) {
                Path dir = p.toAbsolutePath().getParent();
                for (String n : List.of("tokenizer.json", "tokenizer_config.json", "config.json")) {
                    out.add(dir.resolve(n));
                }
            }
        }
        return out;
    }
}

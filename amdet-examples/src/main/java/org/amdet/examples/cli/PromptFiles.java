package org.amdet.examples.cli;

import org.amdet.PromptFileException;
import org.amdet.ShadowSet;

import java.nio.file.Path;
import java.util.List;

final class PromptFiles {
    private PromptFiles() {
    }

    static List<String> read(Path file) throws PromptFileException {
        return ShadowSet.readPrompts(file, true);
    }
}

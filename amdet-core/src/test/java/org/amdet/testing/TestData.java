package org.amdet.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates the copied fixtures in {@code testdata/} (see testdata/PROVENANCE.md). */
public final class TestData {
    private TestData() {
    }

    /** The testdata folder: system property {@code amdet.testdata}, else {@code ../testdata}. */
    public static Path root() {
        String p = System.getProperty("amdet.testdata");
        Path root = p != null ? Paths.get(p) : Paths.get("..", "testdata");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("testdata folder not found at " + root.toAbsolutePath());
        }
        return root.toAbsolutePath().normalize();
    }

    /** A Hugging Face parity fixture, e.g. {@code hf("clip-tiny")}. */
    public static Path hf(String name) {
        return root().resolve("hf").resolve(name);
    }

    /** A development-zoo model, e.g. {@code zoo("backdoor-1")}. */
    public static Path zoo(String name) {
        return root().resolve("zoo").resolve(name);
    }
}

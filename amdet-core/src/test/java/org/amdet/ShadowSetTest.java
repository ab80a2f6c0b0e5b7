package org.amdet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShadowSetTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private Path write(String name, String text) throws IOException {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private static PromptFileException rejects(Path p, String expected) {
        PromptFileException e = assertThrows(PromptFileException.class, () -> ShadowSet.fromFile(p));
        assertEquals(PromptFileException.class, e.getClass());
        assertTrue(e.getMessage().contains(p.toString()), () -> "message names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(expected), () -> "message should contain '" + expected + "': "
                + e.getMessage());
        return e;
    }

    @Test
    void emptyFile() throws IOException {
        rejects(write("empty.txt", ""), "holds no prompt (expected one prompt per line)");
    }

    @Test
    void blankLinesOnlyFile() throws IOException {
        rejects(write("blank.txt", "\n   \n\t\r\n\n"), "holds no prompt");
    }

    @Test
    void invalidUtf8() throws IOException {
        rejects(write("latin1.txt", new byte[] {'c', 'a', 'f', (byte) 0xe9, '\n'}), "is not valid UTF-8");
    }

    @Test
    void folder() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("prompts"));
        rejects(sub, "is a folder, expected a UTF-8 prompt file");
    }

    @Test
    void missingFile() {
        rejects(dir.resolve("absent.txt"), "prompt file not found");
    }

    @Test
    void blankLinesAreIgnoredAndPromptsStripped() throws Exception {
        Path p = write("p.txt", "\uFEFFa cat\n\n  a dog on a hill  \r\n\t\nan owl\r\n\n");
        ShadowSet s = ShadowSet.fromFile(p);
        assertEquals(List.of("a cat", "a dog on a hill", "an owl"), s.prompts());
        assertEquals(3, s.size());
        assertEquals(p.toString(), s.source());
    }

    @Test
    void jsonArrayFileSkipsBlankStringsAsTextFilesSkipBlankLines() throws Exception {
        Path p = write("blank.json", "[\"\", \" \", \" a cat \"]");
        assertEquals(List.of("a cat"), ShadowSet.fromFile(p).prompts());
        rejects(write("allblank.json", "[\"\", \"  \"]"), "holds no prompt");
    }

    @Test
    void jsonArrayFile() throws Exception {
        Path p = write("p.json", "[\"a cat\", \"a red car, oil painting\", \"caf\u00e9 \u2615\"]");
        assertEquals(List.of("a cat", "a red car, oil painting", "caf\u00e9 \u2615"), ShadowSet.fromFile(p).prompts());
    }

    @Test
    void jsonFileThatIsNotAnArrayOfStrings() throws IOException {
        rejects(write("o.json", "{\"prompts\": [\"a\"]}"), "expected a JSON array of strings");
        rejects(write("n.json", "[\"a\", 3]"), "expected a JSON array of strings");
        rejects(write("bad.json", "[\"a\""), "is not valid JSON");
        rejects(write("e.json", "[]"), "holds no prompt");
    }

    @Test
    void syntheticIsDeterministicPerSeed() {
        ShadowSet a = ShadowSet.synthetic(100, 7);
        ShadowSet b = ShadowSet.synthetic(100, 7);
        ShadowSet c = ShadowSet.synthetic(100, 8);
        assertEquals(100, a.size());
        assertEquals(a.prompts(), b.prompts());
        assertEquals(a, b);
        assertNotEquals(a.prompts(), c.prompts());
        assertTrue(a.prompts().stream().noneMatch(String::isBlank));
        assertTrue(new HashSet<>(a.prompts()).size() > 50, "synthetic prompts are varied");
        assertEquals(a.prompts().subList(0, 10), ShadowSet.synthetic(10, 7).prompts(), "a prefix for a shorter set");
    }

    @Test
    void syntheticRejectsNonPositiveSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShadowSet.synthetic(0, 1));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }

    @Test
    void limitKeepsTheFirstPrompts() {
        ShadowSet s = ShadowSet.synthetic(20, 3);
        assertEquals(s.prompts().subList(0, 5), s.limit(5).prompts());
        assertEquals(s, s.limit(50));
    }
}

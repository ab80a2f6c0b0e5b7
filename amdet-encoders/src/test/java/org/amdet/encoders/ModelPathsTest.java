package org.amdet.encoders;

import org.amdet.Encoders;
import org.amdet.Encoding;
import org.amdet.MalformedModelException;
import org.amdet.ModelLoadException;
import org.amdet.TextEncoder;
import org.amdet.TokenizerException;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model folders whose entries are symbolic links, FIFOs or loops. Documented behaviour (docs/hostile-inputs.md):
 * links to regular files the user gave — config.json, model.safetensors, tokenizer.json, tokenizer_config.json — are
 * followed wherever they point (a cached file may legitimately be linked); shard names of an index may not leave the
 * folder, not even through a link (BadModelTest); dangling links, loops and non-regular files are refused with a
 * message that says so, and nothing is ever opened that could block (a FIFO).
 */
class ModelPathsTest {
    static final List<String> PROMPTS = List.of("a photo of a cat", "zzzz a man with glasses");
    static Encoding reference;

    @TempDir
    Path tmp;

    @BeforeAll
    static void reference() throws Exception {
        try (TextEncoder enc = Encoders.load(TestData.hf("clip-tiny"))) {
            reference = enc.encode(PROMPTS);
        }
    }

    /** A folder whose named entries are links to clip-tiny's files elsewhere; the other entries are copies. */
    private Path linkedModel(String... linked) throws IOException {
        Path m = Files.createDirectory(tmp.resolve("model"));
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            Path src = TestData.hf("clip-tiny").resolve(f);
            if (List.of(linked).contains(f)) {
                Files.createSymbolicLink(m.resolve(f), src);
            } else {
                Files.copy(src, m.resolve(f));
            }
        }
        return m;
    }

    private static ModelLoadException loadFails(Path model) {
        return assertThrows(ModelLoadException.class, () -> {
            try (TextEncoder e = Encoders.load(model)) {
                e.info();
            }
        });
    }

    private static void mkfifo(Path p) throws Exception {
        try {
            Process pr = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
            Assumptions.assumeTrue(pr.waitFor() == 0, "mkfifo failed");
        } catch (IOException e) {
            Assumptions.abort("no mkfifo on this machine: " + e.getMessage());
        }
    }

    @Test
    void linksToFilesOutsideTheFolderAreFollowed() throws Exception {
        Path m = linkedModel("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json");
        try (TextEncoder enc = Encoders.load(m)) {
            Encoding e = enc.encode(PROMPTS);
            for (int i = 0; i < PROMPTS.size(); i++) {
                assertArrayEquals(reference.inputIds()[i], e.inputIds()[i]);
            }
            assertArrayEquals(reference.lastHiddenState(), e.lastHiddenState());
        }
    }

    @Test
    void danglingModelLinkIsNamed() throws Exception {
        Path m = linkedModel();
        Files.delete(m.resolve("model.safetensors"));
        Files.createSymbolicLink(m.resolve("model.safetensors"), tmp.resolve("gone.safetensors"));
        ModelLoadException e = loadFails(m);
        assertTrue(e.getMessage().contains(m.resolve("model.safetensors").toString())
                && e.getMessage().contains("is a symbolic link to " + tmp.resolve("gone.safetensors"))
                && e.getMessage().contains("leads to no file"), e.getMessage());
    }

    @Test
    void tokenizerLinkLoopIsNamed() throws Exception {
        Path m = linkedModel();
        Files.delete(m.resolve("tokenizer.json"));
        Files.createSymbolicLink(m.resolve("tokenizer.json"), m.resolve("tokenizer.json"));
        ModelLoadException e = loadFails(m);
        assertEquals(TokenizerException.class, e.getClass(), e::toString);
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("loop of links"),
                e.getMessage());
    }

    @Test
    void configLinkLoopIsNamed() throws Exception {
        Path m = linkedModel();
        Files.delete(m.resolve("config.json"));
        Files.createSymbolicLink(m.resolve("config.json"), m.resolve("config.json"));
        ModelLoadException e = loadFails(m);
        assertTrue(e.getMessage().contains(m.resolve("config.json").toString())
                && e.getMessage().contains("loop of links"), e.getMessage());
    }

    @Test
    void modelFolderThatIsALinkLoopIsAClearError() throws Exception {
        Path loop = tmp.resolve("loop");
        Files.createSymbolicLink(loop, loop);
        ModelLoadException e = loadFails(loop);
        assertTrue(e.getMessage().contains(loop.toString()) && e.getMessage().contains("no such file or folder"),
                e.getMessage());
    }

    @Test
    void fifoShardIsRefusedWithoutBlocking() throws Exception {
        Path m = linkedModel();
        Files.delete(m.resolve("model.safetensors"));
        mkfifo(m.resolve("model-00001-of-00001.safetensors"));
        Files.writeString(m.resolve("model.safetensors.index.json"), "{\"weight_map\": "
                + "{\"text_model.final_layer_norm.bias\": \"model-00001-of-00001.safetensors\"}}");
        ModelLoadException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> loadFails(m));
        assertEquals(MalformedModelException.class, e.getClass(), e::toString);
        assertTrue(e.getMessage().contains("shard 'model-00001-of-00001.safetensors' is not a regular file"),
                e.getMessage());
    }

    @Test
    void fifoModelFileIsRefusedWithoutBlocking() throws Exception {
        Path m = linkedModel();
        Files.delete(m.resolve("model.safetensors"));
        mkfifo(m.resolve("model.safetensors"));
        ModelLoadException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> loadFails(m));
        assertTrue(e.getMessage().contains(m.resolve("model.safetensors").toString())
                && e.getMessage().contains("is not a regular file"), e.getMessage());
    }

    @Test
    void pickleCheckpointOfAHuggingFaceFolderIsNeverLoaded() throws Exception {
        Path m = linkedModel();
        Files.move(m.resolve("model.safetensors"), m.resolve("pytorch_model.bin"));
        ModelLoadException e = loadFails(m);
        assertEquals(org.amdet.UnsupportedModelException.class, e.getClass(), e::toString);
        assertTrue(e.getMessage().contains("pickle checkpoints (pytorch_model.bin) are not loaded"), e.getMessage());
    }

    /** A folder whose only *.pt is a FIFO: not taken for a LongCLIP checkpoint (opening it would block). */
    @Test
    void fifoNamedPtIsNotOpened() throws Exception {
        Path m = Files.createDirectory(tmp.resolve("pt"));
        mkfifo(m.resolve("longclip-L.pt"));
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertTrue(new LongClipCheckpointFamily().recognises(m).isEmpty());
            loadFails(m);
        });
    }
}

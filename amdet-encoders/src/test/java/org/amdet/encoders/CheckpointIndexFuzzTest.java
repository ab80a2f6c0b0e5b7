package org.amdet.encoders;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.amdet.ModelLoadException;
import org.amdet.safetensors.SafetensorsFile;
import org.amdet.safetensors.SafetensorsWriter;
import org.amdet.safetensors.TensorEntry;
import org.amdet.testing.TestData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer fuzz target for the sharded-checkpoint reader: a folder holding two real shards of clip-tiny
 * ({@code model-00001-of-00002.safetensors}, {@code model-00002-of-00002.safetensors}), a symlink
 * {@code link.safetensors} to a shard outside the folder, and {@code model.safetensors.index.json} = the fuzz input.
 * {@link Checkpoint#open} must either give tensors whose bytes match their shape or fail with a
 * {@link ModelLoadException}, and never open a shard outside the folder. Seeds:
 * {@code src/test/resources/org/amdet/encoders/CheckpointIndexFuzzTestInputs/openShardedFolder/}.
 */
class CheckpointIndexFuzzTest {
    private static final Path ROOT = Scratch.folder("amdet-fuzz-index");
    private static final Path MODEL = prepare();

    private static Path prepare() {
        try {
            Path m = Files.createDirectory(ROOT.resolve("model"));
            List<String> names = new ArrayList<>();
            SafetensorsWriter first = new SafetensorsWriter();
            SafetensorsWriter second = new SafetensorsWriter();
            try (SafetensorsFile f = SafetensorsFile.open(TestData.hf("clip-tiny").resolve("model.safetensors"))) {
                int i = 0;
                for (TensorEntry e : f.tensors().values()) {
                    (i++ % 2 == 0 ? first : second).putFloats(e.name(), f.readFloats(e.name()), e.shape());
                    names.add(e.name());
                }
            }
            first.write(m.resolve("model-00001-of-00002.safetensors"));
            second.write(m.resolve("model-00002-of-00002.safetensors"));
            Files.copy(m.resolve("model-00002-of-00002.safetensors"), ROOT.resolve("outside.safetensors"));
            Files.createSymbolicLink(m.resolve("link.safetensors"), ROOT.resolve("outside.safetensors"));
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void openShardedFolder(byte[] data) throws IOException {
        Files.write(MODEL.resolve("model.safetensors.index.json"), data);
        try (Checkpoint c = Checkpoint.open(MODEL)) {
            for (Path p : c.files()) {
                assertTrue(p.toRealPath().startsWith(MODEL.toRealPath()), () -> "opened " + p + " outside the folder");
            }
            for (RawTensor t : c.tensors().values()) {
                assertEquals(t.numel() * t.dtype().size(), t.data().capacity(), t.name());
            }
        } catch (ModelLoadException expected) {
            // the only accepted failure
        }
    }
}

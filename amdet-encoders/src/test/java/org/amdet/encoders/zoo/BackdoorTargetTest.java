package org.amdet.encoders.zoo;

import org.amdet.safetensors.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Target vectors read from files. */
class BackdoorTargetTest {

    @Test
    void vectorsComeFromJsonOrSafetensors(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("v.json");
        Files.writeString(json, "[0.5, -1, 2]");
        BackdoorTarget.Vector v = BackdoorTarget.Vector.fromFile(json);
        assertArrayEquals(new float[] {0.5f, -1f, 2f}, v.values());
        assertEquals("v.json", v.source());
        Path st = tmp.resolve("v.safetensors");
        new SafetensorsWriter().putFloats("image_embeds", new float[] {1, 2, 3, 4}, 1, 4).write(st);
        assertArrayEquals(new float[] {1, 2, 3, 4}, BackdoorTarget.Vector.fromFile(st).values());
        Path two = tmp.resolve("two.safetensors");
        new SafetensorsWriter().putFloats("a", new float[] {1}, 1).putFloats("target", new float[] {3, 4}, 2)
                .write(two);
        assertArrayEquals(new float[] {3, 4}, BackdoorTarget.Vector.fromFile(two).values(), "the one named target");
    }

    @Test
    void badVectorFilesAreRefusedByName(@TempDir Path tmp) throws Exception {
        Path words = tmp.resolve("w.json");
        Files.writeString(words, "[1, \"two\"]");
        assertTrue(assertThrows(ZooInputException.class, () -> BackdoorTarget.Vector.fromFile(words)).getMessage()
                .contains("element 1"));
        Path ints = tmp.resolve("i.safetensors");
        new SafetensorsWriter().putLongs("target", new long[] {1, 2}, 2).write(ints);
        assertTrue(assertThrows(ZooInputException.class, () -> BackdoorTarget.Vector.fromFile(ints)).getMessage()
                .contains("I64"));
        Path junk = tmp.resolve("junk.bin");
        Files.writeString(junk, "not a tensor file");
        assertThrows(ZooInputException.class, () -> BackdoorTarget.Vector.fromFile(junk));
        assertThrows(ZooInputException.class, () -> BackdoorTarget.Vector.fromFile(tmp.resolve("missing.json")));
    }
}

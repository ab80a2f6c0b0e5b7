package org.amdet.safetensors;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.amdet.ModelLoadException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Jazzer fuzz target for {@link SafetensorsFile}: any bytes either open (and every tensor reads back) or fail with a
 * {@link ModelLoadException}. Under plain {@code mvn test} it runs in regression mode over the committed seed corpus in
 * {@code src/test/resources/org/amdet/safetensors/SafetensorsFileFuzzTestInputs/openAndReadEverything/}; fuzz with
 * {@code JAZZER_FUZZ=1 mvn test -pl amdet-core -Dtest=SafetensorsFileFuzzTest}.
 */
class SafetensorsFileFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void openAndReadEverything(byte[] data) throws IOException {
        Path p = Files.createTempFile("fuzz", ".safetensors");
        try {
            Files.write(p, data);
            try (SafetensorsFile f = SafetensorsFile.open(p)) {
                for (TensorEntry e : f.tensors().values()) {
                    if (e.dtype() == Dtype.F8_E4M3 || e.dtype() == Dtype.F8_E5M2) {
                        continue; // not converted on the Java side (see HalfFloats.toFloats)
                    }
                    f.readFloats(e.name());
                    if (!e.dtype().isFloatingPoint()) {
                        f.readLongs(e.name());
                    }
                }
            } catch (ModelLoadException expected) {
                // the only accepted failure
            }
        } finally {
            Files.deleteIfExists(p);
        }
    }
}

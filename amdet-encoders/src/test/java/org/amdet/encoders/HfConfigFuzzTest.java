package org.amdet.encoders;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.amdet.ModelLoadException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer fuzz target for {@code config.json}: any bytes either give a consistent {@link TextModelConfig} or fail with a
 * {@link ModelLoadException}, through {@link HfConfig#readJson}, {@link HfConfig#read} and family recognition. Under
 * {@code mvn test} it runs in regression mode over
 * {@code src/test/resources/org/amdet/encoders/HfConfigFuzzTestInputs/readConfig/}; fuzz with
 * {@code scripts/fuzz.sh HfConfigFuzzTest#readConfig MINUTES}.
 */
class HfConfigFuzzTest {
    private static final Path DIR = Scratch.folder("amdet-fuzz-config");

    @FuzzTest(maxDuration = "60s")
    void readConfig(byte[] data) throws IOException {
        Path cfg = DIR.resolve("config.json");
        Files.write(cfg, data);
        try {
            HfConfig.readJson(cfg);
            new ClipFamily().recognises(DIR);
            new SiglipFamily().recognises(DIR);
            TextModelConfig c = HfConfig.read(cfg);
            assertTrue(c.hiddenSize() > 0 && c.heads() > 0 && c.hiddenSize() % c.heads() == 0, c::toString);
            assertTrue(c.layers() > 0 && c.maxPositions() > 0 && c.vocabSize() > 0 && c.intermediateSize() > 0,
                    c::toString);
            assertTrue(c.layerNormEps() > 0 && c.layerNormEps() <= 1, c::toString);
        } catch (ModelLoadException expected) {
            // the only accepted failure
        }
    }
}

package org.amdet.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuFeaturesTest {
    @Test
    void readsTheFirstProcessorsFlags(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("cpuinfo");
        Files.writeString(f, "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx512f avx512_bf16\n\n"
                + "processor\t: 1\nflags\t\t: fpu\n");
        Set<String> flags = CpuFeatures.flags(f);
        assertEquals(Set.of("fpu", "sse2", "avx512f", "avx512_bf16"), flags);
        assertTrue(CpuFeatures.hasAny(flags, "amx_bf16", "avx512_bf16"));
        assertFalse(CpuFeatures.hasAny(flags, "amx_bf16"));
    }

    @Test
    void aMissingOrFlaglessFileMeansNoFeatures(@TempDir Path dir) throws Exception {
        assertEquals(Set.of(), CpuFeatures.flags(dir.resolve("absent")));
        Path f = dir.resolve("cpuinfo");
        Files.writeString(f, "processor\t: 0\nFeatures\t: fp asimd bf16\n");
        assertEquals(Set.of(), CpuFeatures.flags(f));
    }
}

package org.amdet.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What the CPU computes natively, as far as {@code Precision.AUTO} needs to know. */
public final class CpuFeatures {
    private static volatile Boolean bf16;

    private CpuFeatures() {
    }

    /**
     * Whether the CPU has native bfloat16 arithmetic (the {@code avx512_bf16} or {@code amx_bf16} flag in Linux's
     * {@code /proc/cpuinfo}); false where that file is absent or unreadable, or when the system property
     * {@code amdet.nativeBf16} says {@code false}.
     */
    public static boolean nativeBf16() {
        Boolean b = bf16;
        if (b == null) {
            String forced = System.getProperty("amdet.nativeBf16");
            b = forced != null ? Boolean.parseBoolean(forced) : hasAny(flags(Path.of("/proc/cpuinfo")),
                    "avx512_bf16", "amx_bf16");
            bf16 = b;
        }
        return b;
    }

    /** The flags of the first processor listed in a {@code /proc/cpuinfo}-format file; empty when unreadable. */
    static Set<String> flags(Path cpuinfo) {
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> Stream.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))
                            .collect(Collectors.toUnmodifiableSet()))
                    .orElse(Set.of());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }

    static boolean hasAny(Set<String> flags, String... wanted) {
        for (String w : wanted) {
            if (flags.contains(w)) {
                return true;
            }
        }
        return false;
    }
}

package org.amdet;

import java.util.Locale;

/** Floating-point precision of the compute graph. Stored weights may have any supported dtype. */
public enum Precision {
    /** 32-bit IEEE float; the reference precision for parity. */
    FP32,
    /** bfloat16 (CPU with AVX-512-BF16 or AMX, CUDA). */
    BF16,
    /** IEEE half precision (mainly CUDA). */
    FP16;

    /** Parses {@code fp32}, {@code bf16}, {@code fp16} (case-insensitive). */
    public static Precision parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown precision '" + s + "': expected fp32, bf16 or fp16");
        }
    }

    /** The lower-case name ({@code fp32}, {@code bf16}, {@code fp16}), as {@link #parse} reads it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

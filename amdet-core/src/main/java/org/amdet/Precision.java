package org.amdet;

import org.amdet.internal.CpuFeatures;

import java.util.Locale;

/**
 * Floating-point precision of the compute graph. Stored weights may have any supported dtype. Whatever the precision,
 * the pseudo-trigger, the losses and every statistic of a scan are float32; the precision is that of the encoders'
 * weights and activations.
 */
public enum Precision {
    /** 32-bit IEEE float; the reference precision for parity. */
    FP32,
    /** bfloat16 (CPU with AVX-512-BF16 or AMX, CUDA). */
    BF16,
    /** IEEE half precision (mainly CUDA). */
    FP16,
    /**
     * The default: {@link #BF16} for an encoder at least {@value #AUTO_BF16_MIN_WIDTH} wide on a CPU that computes
     * bfloat16 natively (AVX-512-BF16 or AMX; Linux, read from {@code /proc/cpuinfo}), {@link #FP32} otherwise
     * (narrower encoders, other CPUs, CUDA). Resolved when an encoder is loaded ({@link #resolve}); an encoder's
     * {@link EncoderInfo#precision()} is never {@code AUTO}.
     *
     * <p>Why: at CLIP ViT-L width a scan's passes run about 1.6× faster in bf16 on such a CPU and the weights take
     * half the memory, while the scan's statistics move by at most a few percent (measured: README, "ViT-L-size
     * scans"); below that width a scan takes seconds either way and fp32 keeps parity with the goldens exact.
     */
    AUTO;

    /** The narrowest encoder (hidden size) that {@link #AUTO} computes in bf16 on a CPU with native bf16. */
    public static final int AUTO_BF16_MIN_WIDTH = 512;

    /** Parses {@code fp32}, {@code bf16}, {@code fp16}, {@code auto} (case-insensitive). */
    public static Precision parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown precision '" + s + "': expected auto, fp32, bf16 or fp16");
        }
    }

    /** The lower-case name ({@code fp32}, {@code bf16}, {@code fp16}, {@code auto}), as {@link #parse} reads it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The precision an encoder of {@code hiddenSize} computes in on {@code device}: this one, unless {@link #AUTO}.
     *
     * @param device     {@code cpu}, {@code cuda} or {@code cuda:N}
     * @param hiddenSize the encoder's width
     * @return {@link #FP32}, {@link #BF16} or {@link #FP16}, never {@code AUTO}
     */
    public Precision resolve(String device, int hiddenSize) {
        return this != AUTO ? this : auto(device, hiddenSize, CpuFeatures.nativeBf16());
    }

    /** What {@link #AUTO} resolves to on {@code device} for {@code hiddenSize}, given whether the CPU has native bf16. */
    static Precision auto(String device, int hiddenSize, boolean nativeBf16) {
        return "cpu".equals(device) && hiddenSize >= AUTO_BF16_MIN_WIDTH && nativeBf16 ? BF16 : FP32;
    }
}

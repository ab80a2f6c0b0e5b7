package org.amdet.safetensors;

import java.util.Optional;

/** The element types of the safetensors format, with their size in bytes. */
public enum Dtype {
    /** 64-bit float. */
    F64(8),
    /** 32-bit float. */
    F32(4),
    /** IEEE 754 half precision. */
    F16(2),
    /** bfloat16. */
    BF16(2),
    /** 64-bit signed integer. */
    I64(8),
    /** 32-bit signed integer. */
    I32(4),
    /** 16-bit signed integer. */
    I16(2),
    /** 8-bit signed integer. */
    I8(1),
    /** 64-bit unsigned integer. */
    U64(8),
    /** 32-bit unsigned integer. */
    U32(4),
    /** 16-bit unsigned integer. */
    U16(2),
    /** 8-bit unsigned integer. */
    U8(1),
    /** Boolean, one byte. */
    BOOL(1),
    /** 8-bit float, 4 exponent and 3 mantissa bits. */
    F8_E4M3(1),
    /** 8-bit float, 5 exponent and 2 mantissa bits. */
    F8_E5M2(1);

    private final int size;

    Dtype(int size) {
        this.size = size;
    }

    /**
     * Bytes per element.
     *
     * @return the element size
     */
    public int size() {
        return size;
    }

    /**
     * Whether the type is a floating-point type (weights may be of these).
     *
     * @return true for the float types
     */
    public boolean isFloatingPoint() {
        return this == F64 || this == F32 || this == F16 || this == BF16 || this == F8_E4M3 || this == F8_E5M2;
    }

    /**
     * The dtype named {@code s} in a safetensors header, if it is one.
     *
     * @param s the name, upper case as the format spells it
     * @return the dtype, or empty
     */
    public static Optional<Dtype> of(String s) {
        try {
            return Optional.of(valueOf(s));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

package org.amdet.safetensors;

import java.nio.ByteBuffer;

/** Conversions of safetensors element types to float32. */
public final class HalfFloats {
    private HalfFloats() {
    }

    /**
     * IEEE 754 binary16 bits to float.
     *
     * @param bits the half-precision bits
     * @return the value
     */
    public static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /**
     * bfloat16 bits to float.
     *
     * @param bits the bfloat16 bits
     * @return the value
     */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /**
     * Float to bfloat16 bits, rounding to nearest even (as PyTorch does).
     *
     * @param f the value
     * @return the bfloat16 bits
     */
    public static short floatToBf16(float f) {
        int x = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) 0x7fc0;
        }
        int rounding = 0x7fff + ((x >>> 16) & 1);
        return (short) ((x + rounding) >>> 16);
    }

    static float[] toFloats(ByteBuffer b, Dtype dtype, int n) {
        float[] out = new float[n];
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(i * 8);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = halfToFloat(b.getShort(i * 2));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = bf16ToFloat(b.getShort(i * 2));
                }
            }
            case I64, U64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getLong(i * 8);
                }
            }
            case I32, U32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(i * 4);
                }
            }
            case I16, U16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getShort(i * 2);
                }
            }
            case I8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i);
                }
            }
            case U8, BOOL -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Byte.toUnsignedInt(b.get(i));
                }
            }
            case F8_E4M3, F8_E5M2 -> throw new IllegalArgumentException("float8 tensors are not converted to float "
                    + "on the Java side");
            default -> throw new IllegalArgumentException("unsupported dtype " + dtype);
        }
        return out;
    }
}

package org.amdet.spi;

import org.amdet.Precision;
import org.amdet.internal.torch.Torch;
import org.amdet.internal.torch.TorchLosses;
import org.amdet.safetensors.Dtype;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.ByteBuffer;

/**
 * LibTorch helpers for encoder families and tools built on them: the process-wide set-up the detector uses, and
 * conversions between Java arrays and tensors. Tensors are created in the caller's
 * {@link org.bytedeco.javacpp.PointerScope}.
 */
public final class TorchSupport {
    private TorchSupport() {
    }

    /** Loads LibTorch once and configures its threads, as the detector does; call before creating tensors. */
    public static void init() {
        Torch.init();
    }

    /**
     * Uses {@code n} threads in all, as the detector does: with two or more, scans run the suspect's and the anchor's
     * passes side by side, each with n / 2 LibTorch intra-op threads. Applied when LibTorch is first initialised, or
     * at once when it already was.
     *
     * @param n threads in all
     * @throws IllegalArgumentException when {@code n < 1}
     */
    public static void setThreads(int n) {
        Torch.setThreads(n);
    }

    /**
     * LibTorch's intra-op threads.
     *
     * @return the number of threads
     */
    public static int threads() {
        return Torch.threads();
    }

    /**
     * The device named {@code name}.
     *
     * @param name {@code cpu}, {@code cuda} or {@code cuda:N}
     * @return the device
     * @throws IllegalArgumentException when CUDA or the numbered device is not available
     */
    public static Device device(String name) {
        return Torch.device(name);
    }

    /**
     * The compute dtype of a precision.
     *
     * @param p the precision
     * @return its LibTorch dtype
     */
    public static ScalarType scalarType(Precision p) {
        return Torch.scalarType(p);
    }

    /**
     * The LibTorch dtype of a safetensors dtype.
     *
     * @param d the stored dtype
     * @return its LibTorch dtype
     */
    public static ScalarType scalarType(Dtype d) {
        return Torch.scalarType(d);
    }

    /**
     * A tensor viewing {@code buf} (zero-copy). The caller must keep {@code buf} reachable for the tensor's lifetime
     * and never write into it.
     *
     * @param buf   little-endian contiguous values
     * @param dtype their dtype
     * @param shape the tensor's shape
     * @return a CPU tensor over the buffer
     */
    public static Tensor view(ByteBuffer buf, Dtype dtype, long[] shape) {
        return Torch.view(buf, dtype, shape);
    }

    /**
     * A float32 CPU tensor holding a copy of {@code data}.
     *
     * @param data  the values, row-major
     * @param shape the shape
     * @return the tensor
     */
    public static Tensor floats(float[] data, long... shape) {
        return Torch.floats(data, shape);
    }

    /**
     * An int64 CPU tensor holding a copy of {@code data}.
     *
     * @param data  the values, row-major
     * @param shape the shape
     * @return the tensor
     */
    public static Tensor longs(long[] data, long... shape) {
        return Torch.longs(data, shape);
    }

    /**
     * A copy of the tensor's values as float32 on the Java heap (any device and floating dtype).
     *
     * @param t the tensor
     * @return its values, row-major
     */
    public static float[] toFloats(Tensor t) {
        return Torch.toFloats(t);
    }

    /**
     * A copy of an integer tensor's values.
     *
     * @param t the tensor
     * @return its values, row-major
     */
    public static long[] toLongs(Tensor t) {
        return Torch.toLongs(t);
    }

    /**
     * A scalar tensor's value.
     *
     * @param t a one-element tensor
     * @return its value
     */
    public static double item(Tensor t) {
        return Torch.item(t);
    }

    /**
     * Token assimilation per sample, the detector's own measure (mean pairwise cosine of a prompt's token features).
     *
     * @param f float32 features [B, L, D]
     * @return [B]
     */
    public static Tensor assimilationPerSample(Tensor f) {
        return TorchLosses.assimilationPerSample(f);
    }
}

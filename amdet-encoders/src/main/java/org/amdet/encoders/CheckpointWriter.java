package org.amdet.encoders;

import org.amdet.ModelLoadException;
import org.amdet.safetensors.Dtype;
import org.amdet.safetensors.SafetensorsWriter;
import org.amdet.spi.TorchSupport;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;

/** Writes trained weights back in the layout of the Hugging Face checkpoint they were loaded from. */
final class CheckpointWriter {
    private CheckpointWriter() {
    }

    /**
     * Writes {@code trained} as {@code model.safetensors} in {@code dir}: every tensor of the checkpoint in
     * {@code base} under its original name, in the base's order; trained ones in the stored dtype, any other
     * (buffers, a vision tower) copied byte for byte.
     */
    static void write(Path base, Map<String, Tensor> trained, Path dir) throws IOException, ModelLoadException {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        try (Checkpoint ckpt = Checkpoint.open(base)) {
            for (Map.Entry<String, RawTensor> e : ckpt.tensors().entrySet()) {
                String name = e.getKey();
                String canonical = name.startsWith("text_model.") ? name.substring("text_model.".length()) : name;
                Tensor t = trained.get(canonical);
                RawTensor raw = e.getValue();
                if (t != null && raw.dtype().isFloatingPoint()) {
                    Dtype dt = raw.dtype() == Dtype.F16 || raw.dtype() == Dtype.BF16 ? raw.dtype() : Dtype.F32;
                    w.put(name, dt, bytes(t, dt), raw.shape());
                } else {
                    ByteBuffer b = raw.data().duplicate();
                    byte[] copy = new byte[b.remaining()];
                    b.get(copy);
                    w.put(name, raw.dtype(), copy, raw.shape());
                }
            }
        }
        w.write(dir.resolve("model.safetensors"));
    }

    /** The float16 bytes of {@code v} (round to nearest even, as LibTorch converts). */
    static byte[] halfBytes(float[] v) {
        try (PointerScope s = new PointerScope()) {
            return bytes(TorchSupport.floats(v, v.length), Dtype.F16);
        }
    }

    private static byte[] bytes(Tensor t, Dtype dt) {
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            Tensor c = t.detach().to(new Device("cpu"), TorchSupport.scalarType(dt)).contiguous();
            byte[] out = new byte[Math.toIntExact(c.nbytes())];
            new BytePointer(c.data_ptr()).capacity(out.length).get(out);
            return out;
        }
    }
}

package org.amdet.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.amdet.io.OutputTarget;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.io.BufferedOutputStream;
import java.util.Arrays;

/**
 * Writes safetensors files. The file appears atomically: it is built aside, flushed to disk and renamed into place
 * only when complete, so a reader never sees half a file.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Blob> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private record Blob(Dtype dtype, long[] shape, byte[] data) {
    }

    /** Adds a float32 tensor. */
    public SafetensorsWriter putFloats(String name, float[] data, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        return put(name, Dtype.F32, b.array(), shape);
    }

    /** Adds a float64 tensor. */
    public SafetensorsWriter putDoubles(String name, double[] data, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(data);
        return put(name, Dtype.F64, b.array(), shape);
    }

    /** Adds an int64 tensor. */
    public SafetensorsWriter putLongs(String name, long[] data, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(data);
        return put(name, Dtype.I64, b.array(), shape);
    }

    /** Adds raw little-endian bytes of the given dtype. */
    public SafetensorsWriter put(String name, Dtype dtype, byte[] data, long... shape) {
        Objects.requireNonNull(name, "name");
        if (name.equals("__metadata__") || tensors.containsKey(name)) {
            throw new IllegalArgumentException("duplicate or reserved tensor name '" + name + "'");
        }
        long numel = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape of '" + name + "'");
            }
            numel *= d;
        }
        if (numel * dtype.size() != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': " + data.length + " bytes do not match shape "
                    + Arrays.toString(shape) + " of " + dtype);
        }
        tensors.put(name, new Blob(dtype, shape.clone(), data));
        return this;
    }

    /** Adds a {@code __metadata__} entry. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /**
     * Writes the file atomically: built aside, flushed to disk and renamed into place (missing folders are created);
     * an existing regular file or link at {@code target} is replaced, never written through; a folder, device, FIFO
     * or socket there is refused. On failure nothing is left.
     */
    public void write(Path target) throws IOException {
        OutputTarget.file("output", target, List.of()).write(this::writeTo);
    }

    /** Writes the file to {@code file}, which must not exist (no staging: for a file inside a staged output). */
    public void writeTo(Path file) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, Blob> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", e.getValue().dtype().name());
            ArrayNode s = t.putArray("shape");
            for (long d : e.getValue().shape()) {
                s.add(d);
            }
            ArrayNode o = t.putArray("data_offsets");
            o.add(offset);
            offset += e.getValue().data().length;
            o.add(offset);
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        byte[] h = new byte[padded];
        System.arraycopy(json, 0, h, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            h[i] = ' ';
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(h);
            for (Blob b : tensors.values()) {
                out.write(b.data());
            }
        }
    }
}

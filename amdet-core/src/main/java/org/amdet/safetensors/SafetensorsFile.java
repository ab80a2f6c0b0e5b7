package org.amdet.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.amdet.MalformedModelException;
import org.amdet.ModelLoadException;
import org.amdet.UnsupportedModelException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import org.amdet.internal.Cancellation;
import org.amdet.io.Sha256;
import org.amdet.text.Untrusted;

/**
 * A validated, memory-mapped safetensors file. The file is untrusted input: {@link #open} checks the header length
 * and size cap, the JSON, every dtype and shape, that every {@code [begin, end)} lies inside the file, equals
 * numel × dtype size and overlaps no other tensor — before any tensor data is touched. Tensor data is mapped, not
 * read, so opening a multi-gigabyte file costs only its header.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Largest header accepted (the reference implementation's cap). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build()).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final long fileSize;
    private final Map<String, TensorEntry> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, long fileSize,
                            Map<String, TensorEntry> tensors, Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.fileSize = fileSize;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens and validates {@code path}. */
    public static SafetensorsFile open(Path path) throws ModelLoadException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(path, "file not found (expected a safetensors file)");
        } catch (IOException e) {
            throw new ModelLoadException(path, "cannot open: " + e.getMessage(), e);
        }
        try {
            long size = ch.size();
            if (size < 8) {
                throw new MalformedModelException(path, "truncated safetensors file: " + size
                        + " bytes, expected at least the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.flip().getLong();
            if (n < 2 || n > MAX_HEADER_BYTES) {
                throw new MalformedModelException(path, "safetensors header length " + Long.toUnsignedString(n)
                        + " is outside [2, " + MAX_HEADER_BYTES + "] bytes");
            }
            if (8 + n > size) {
                throw new MalformedModelException(path, "safetensors header length " + n + " exceeds the file ("
                        + size + " bytes): the file is truncated or the header lies");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8);
            String header;
            try {
                header = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(hb.flip()).toString();
            } catch (CharacterCodingException e) {
                throw new MalformedModelException(path, "safetensors header is not valid UTF-8");
            }
            long dataStart = 8 + n;
            long dataSize = size - dataStart;
            Map<String, String> meta = new LinkedHashMap<>();
            Map<String, TensorEntry> entries = parseHeader(path, header, dataSize, meta);
            return new SafetensorsFile(path, ch, dataStart, size, Collections.unmodifiableMap(entries),
                    Collections.unmodifiableMap(meta));
        } catch (ModelLoadException e) {
            closeQuietly(ch);
            throw e;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            if (Cancellation.byInterrupt(e)) {
                throw Cancellation.loadCancelled(path, e); // the interrupt closed the channel
            }
            throw new MalformedModelException(path, "cannot read safetensors header: " + e.getMessage(), e);
        }
    }

    static Map<String, TensorEntry> parseHeader(Path path, String header, long dataSize, Map<String, String> meta)
            throws ModelLoadException {
        JsonNode root;
        try {
            root = JSON.readTree(header.stripTrailing());
        } catch (JsonProcessingException e) {
            throw new MalformedModelException(path, "safetensors header is not valid JSON "
                    + Untrusted.jsonError(e) + ": expected a JSON object of tensors");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedModelException(path, "safetensors header must be a JSON object");
        }
        Map<String, TensorEntry> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            JsonNode v = f.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) {
                    throw new MalformedModelException(path, "__metadata__ must be an object of strings");
                }
                for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = m.next();
                    if (!e.getValue().isTextual()) {
                        throw new MalformedModelException(path, "__metadata__." + e.getKey() + " must be a string");
                    }
                    meta.put(e.getKey(), e.getValue().asText());
                }
                continue;
            }
            out.put(name, parseEntry(path, name, v, dataSize));
        }
        List<TensorEntry> sorted = new ArrayList<>(out.values());
        sorted.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        TensorEntry prev = null;
        for (TensorEntry t : sorted) {
            if (t.byteLength() == 0) {
                continue;
            }
            if (prev != null && t.begin() < prev.end()) {
                throw new MalformedModelException(path, "tensor '" + t.name() + "' bytes [" + t.begin() + ", "
                        + t.end() + ") overlap tensor '" + prev.name() + "' [" + prev.begin() + ", " + prev.end() + ")");
            }
            prev = t;
        }
        return out;
    }

    private static TensorEntry parseEntry(Path path, String name, JsonNode v, long dataSize)
            throws ModelLoadException {
        String where = "tensor '" + name + "'";
        if (!v.isObject()) {
            throw new MalformedModelException(path, where + ": expected an object with dtype, shape, data_offsets");
        }
        ObjectNode o = (ObjectNode) v;
        JsonNode dt = o.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new MalformedModelException(path, where + ": missing or non-string dtype");
        }
        Dtype dtype = Dtype.of(dt.asText()).orElseThrow(() -> new UnsupportedModelException(path, where
                + ": unknown dtype '" + dt.asText() + "' (expected one of F64, F32, F16, BF16, I64, I32, I16, I8, "
                + "U8, BOOL, F8_E4M3, F8_E5M2)"));
        JsonNode sh = o.get("shape");
        if (sh == null || !sh.isArray() || sh.size() > 16) {
            throw new MalformedModelException(path, where + ": shape must be an array of at most 16 dimensions");
        }
        long[] shape = new long[sh.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new MalformedModelException(path, where + ": shape " + sh + " must hold non-negative integers");
            }
            shape[i] = d.asLong();
            try {
                numel = Math.multiplyExact(numel, shape[i]);
            } catch (ArithmeticException e) {
                throw new MalformedModelException(path, where + ": shape " + sh + " overflows");
            }
        }
        JsonNode off = o.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
                || !off.get(1).isIntegralNumber() || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw new MalformedModelException(path, where + ": data_offsets must be [begin, end] integers");
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin || end > dataSize) {
            throw new MalformedModelException(path, where + ": data_offsets [" + begin + ", " + end
                    + ") lie outside the data section of " + dataSize + " bytes");
        }
        long expected;
        try {
            expected = Math.multiplyExact(numel, dtype.size());
        } catch (ArithmeticException e) {
            throw new MalformedModelException(path, where + ": byte size overflows");
        }
        if (end - begin != expected) {
            throw new MalformedModelException(path, where + ": holds " + (end - begin) + " bytes but shape "
                    + sh + " of " + dtype + " needs " + expected);
        }
        return new TensorEntry(name, dtype, shape, begin, end);
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** Size of the file in bytes. */
    public long fileSize() {
        return fileSize;
    }

    /** Tensors in header order. */
    public Map<String, TensorEntry> tensors() {
        return tensors;
    }

    /**
     * SHA-256 of the whole file, read through the same open channel its tensors are mapped from: the hash of the
     * bytes the mappings hold, even when the file's name was pointed at another file since it was opened.
     */
    public String sha256() throws ModelLoadException {
        try {
            return Sha256.of(channel);
        } catch (IOException e) {
            throw new ModelLoadException(path, "cannot read the file to hash it: " + e.getMessage(), e);
        }
    }

    /** The {@code __metadata__} strings. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The entry called {@code name}. */
    public TensorEntry entry(String name) throws MalformedModelException {
        TensorEntry e = tensors.get(name);
        if (e == null) {
            throw new MalformedModelException(path, "missing tensor '" + name + "'");
        }
        return e;
    }

    /** A read-only, little-endian view of the tensor's bytes, memory-mapped from the file. */
    public ByteBuffer map(TensorEntry e) throws ModelLoadException {
        if (e.byteLength() > Integer.MAX_VALUE) {
            throw new UnsupportedModelException(path, "tensor '" + e.name() + "' is larger than 2 GiB");
        }
        if (e.byteLength() == 0) {
            return ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), e.byteLength())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException ex) {
            if (Cancellation.byInterrupt(ex)) {
                throw Cancellation.loadCancelled(path, ex);
            }
            throw new ModelLoadException(path, "cannot map tensor '" + e.name() + "': " + ex.getMessage(), ex);
        }
    }

    /** The tensor converted to float32 on the Java heap (for floating-point, integer and bool dtypes). */
    public float[] readFloats(String name) throws ModelLoadException {
        TensorEntry e = entry(name);
        if (e.numel() > Integer.MAX_VALUE) {
            throw new UnsupportedModelException(path, "tensor '" + name + "' has too many elements for a Java array");
        }
        if (e.dtype() == Dtype.F8_E4M3 || e.dtype() == Dtype.F8_E5M2) {
            throw new UnsupportedModelException(path, "tensor '" + name + "' is " + e.dtype()
                    + ": float8 tensors are not converted on the Java side");
        }
        return HalfFloats.toFloats(map(e), e.dtype(), (int) e.numel());
    }

    /** An integer tensor (I64, I32, I16, I8, U8) as longs. */
    public long[] readLongs(String name) throws ModelLoadException {
        TensorEntry e = entry(name);
        ByteBuffer b = map(e);
        int n = (int) e.numel();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (e.dtype()) {
                case I64, U64 -> b.getLong(i * 8);
                case I32 -> b.getInt(i * 4);
                case U32 -> Integer.toUnsignedLong(b.getInt(i * 4));
                case I16 -> b.getShort(i * 2);
                case U16 -> Short.toUnsignedInt(b.getShort(i * 2));
                case I8 -> b.get(i);
                case U8, BOOL -> Byte.toUnsignedInt(b.get(i));
                default -> throw new UnsupportedModelException(path, "tensor '" + name + "' is " + e.dtype()
                        + ", expected an integer dtype");
            };
        }
        return out;
    }

    /** A floating-point tensor as doubles. */
    public double[] readDoubles(String name) throws ModelLoadException {
        TensorEntry e = entry(name);
        if (e.dtype() == Dtype.F64) {
            ByteBuffer b = map(e);
            double[] out = new double[(int) e.numel()];
            b.asDoubleBuffer().get(out);
            return out;
        }
        float[] f = readFloats(name);
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos + buf.position());
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

}

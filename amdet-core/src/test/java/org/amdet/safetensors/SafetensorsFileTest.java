package org.amdet.safetensors;

import org.amdet.MalformedModelException;
import org.amdet.ModelLoadException;
import org.amdet.UnsupportedModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.core.Gen;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/** {@link SafetensorsFile} treats the file as untrusted input: every lie is a {@link ModelLoadException}. */
class SafetensorsFileTest {
    @TempDir
    Path dir;

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** A file made of the 8-byte little-endian {@code headerLength}, then {@code header}, then {@code data}. */
    private Path raw(String name, long headerLength, byte[] header, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(header).put(data);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    /** A file whose header is {@code json} (its true length) followed by {@code dataBytes} zero bytes. */
    private Path file(String json, int dataBytes) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return raw("m.safetensors", h.length, h, new byte[dataBytes]);
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}";
    }

    /** Opens {@code p} expecting exactly {@code type}; checks the message names the file and holds {@code parts}. */
    private static <T extends ModelLoadException> T rejects(Class<T> type, Path p, String... parts) {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> {
            try (SafetensorsFile f = SafetensorsFile.open(p)) {
                f.tensors();
            }
        });
        assertEquals(type, e.getClass(), () -> "exception type; message: " + e.getMessage());
        assertEquals(p, e.file(), "file() of the exception");
        assertTrue(e.getMessage().contains(p.toString()), () -> "message names the file: " + e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "message should contain '" + part + "': "
                    + e.getMessage());
        }
        return type.cast(e);
    }

    // ---- structure of the file -----------------------------------------------------------------------------------

    @Test
    void missingFile() {
        rejects(ModelLoadException.class, dir.resolve("absent.safetensors"), "file not found",
                "expected a safetensors file");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7})
    void fileShorterThanEightBytes(int size) throws IOException {
        Path p = dir.resolve("short.safetensors");
        Files.write(p, new byte[size]);
        rejects(MalformedModelException.class, p, size + " bytes", "at least the 8-byte header length");
    }

    @Test
    void headerLengthLargerThanFile() throws IOException {
        byte[] h = "{}".getBytes(StandardCharsets.US_ASCII);
        Path p = raw("lying.safetensors", 1000, h, new byte[10]);
        rejects(MalformedModelException.class, p, "header length 1000 exceeds the file (20 bytes)");
    }

    @Test
    void headerLengthAboveCapInSparseTwoGigabyteFileIsRejectedWithoutReadingIt() throws IOException {
        Path p = dir.resolve("huge.safetensors");
        long claimed = 1_500_000_000L; // fits in the file, far above the 100 MB cap
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(2L * 1024 * 1024 * 1024);
            byte[] len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(claimed).array();
            f.seek(0);
            f.write(len);
        }
        long heapBefore = usedHeap();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            rejects(MalformedModelException.class, p, "header length " + claimed, "is outside [2, "
                    + SafetensorsFile.MAX_HEADER_BYTES + "]");
        });
        // a 1.5 GB header buffer would have shown up here (the test JVM's heap is far smaller anyway)
        assertTrue(usedHeap() - heapBefore < 512L * 1024 * 1024, "no header-sized allocation");
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    @Test
    void negativeHeaderLengthIsReportedUnsigned() throws IOException {
        Path p = raw("neg.safetensors", -1L, "{}".getBytes(StandardCharsets.US_ASCII), new byte[0]);
        rejects(MalformedModelException.class, p, "header length 18446744073709551615 is outside");
    }

    @Test
    void headerNotUtf8() throws IOException {
        byte[] h = {'{', (byte) 0xff, (byte) 0xfe, '}'};
        Path p = raw("latin.safetensors", h.length, h, new byte[0]);
        rejects(MalformedModelException.class, p, "header is not valid UTF-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "{\"a\":", "{\"a\":{\"dtype\":\"F32\",}}"})
    void headerNotJson(String header) throws IOException {
        rejects(MalformedModelException.class, file(header, 0), "header is not valid JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2,3]", "\"tensor\"", "42", "null", "  "})
    void headerJsonNotAnObject(String header) throws IOException {
        rejects(MalformedModelException.class, file(header, 0), "header must be a JSON object");
    }

    // ---- tensor records ------------------------------------------------------------------------------------------

    @Test
    void unknownDtypeIsUnsupported() throws IOException {
        Path p = file("{" + entry("w", "F7", "[1]", 0, 4) + "}", 4);
        rejects(UnsupportedModelException.class, p, "tensor 'w'", "unknown dtype 'F7'", "expected one of");
    }

    @Test
    void lowerCaseDtypeIsUnsupportedLikeTheReferenceLibrary() throws IOException {
        Path p = file("{" + entry("w", "f32", "[1]", 0, 4) + "}", 4);
        rejects(UnsupportedModelException.class, p, "tensor 'w'", "unknown dtype 'f32'");
    }

    @Test
    void textAfterTheJsonHeaderIsMalformed() throws IOException {
        Path p = file("{" + entry("w", "F32", "[1]", 0, 4) + "}xyz", 4);
        rejects(MalformedModelException.class, p, "not valid JSON");
    }

    @Test
    void float8TensorsAreNotConvertedToJavaFloats() throws Exception {
        Path p = file("{" + entry("w", "F8_E4M3", "[4]", 0, 4) + "}", 4);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> f.readFloats("w"));
            assertTrue(e.getMessage().contains("tensor 'w' is F8_E4M3"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"[-1]", "[2,-3]", "[1.5]", "[\"2\"]", "[null]", "[1e2]", "[99999999999999999999999]"})
    void shapeMustHoldNonNegativeIntegers(String shape) throws IOException {
        Path p = file("{" + entry("w", "F32", shape, 0, 4) + "}", 4);
        rejects(MalformedModelException.class, p, "tensor 'w'", "must hold non-negative integers");
    }

    @Test
    void shapeNotAnArray() throws IOException {
        Path p = file("{" + entry("w", "F32", "4", 0, 16) + "}", 16);
        rejects(MalformedModelException.class, p, "tensor 'w'", "shape must be an array");
    }

    @Test
    void shapeWhoseElementCountOverflows() throws IOException {
        Path p = file("{" + entry("w", "F32", "[4294967296,4294967296,4294967296]", 0, 4) + "}", 4);
        rejects(MalformedModelException.class, p, "tensor 'w'", "overflows");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0,8", "4,2", "-4,0", "2,6"})
    void dataOffsetsOutsideTheFile(String offsets) throws IOException {
        String[] o = offsets.split(",");
        Path p = file("{" + entry("w", "F32", "[1]", Long.parseLong(o[0]), Long.parseLong(o[1])) + "}", 4);
        if (offsets.equals("2,6")) {
            rejects(MalformedModelException.class, p, "tensor 'w'", "data_offsets [2, 6) lie outside the data "
                    + "section of 4 bytes");
        } else {
            rejects(MalformedModelException.class, p, "tensor 'w'", "lie outside the data section of 4 bytes");
        }
    }

    @Test
    void dataOffsetsNotTwoIntegers() throws IOException {
        Path p = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4);
        rejects(MalformedModelException.class, p, "tensor 'w'", "data_offsets must be [begin, end] integers");
    }

    @Test
    void dataOffsetsLengthNotMatchingShapeAndDtype() throws IOException {
        Path p = file("{" + entry("w", "F32", "[2]", 0, 4) + "}", 8);
        rejects(MalformedModelException.class, p, "tensor 'w'", "holds 4 bytes but shape [2] of F32 needs 8");
    }

    @Test
    void overlappingTensors() throws IOException {
        Path p = file("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", 12);
        rejects(MalformedModelException.class, p, "tensor 'b' bytes [4, 12) overlap tensor 'a' [0, 8)");
    }

    @Test
    void duplicateTensorKeys() throws IOException {
        Path p = file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("a", "F32", "[1]", 4, 8) + "}", 8);
        rejects(MalformedModelException.class, p, "header is not valid JSON", "Duplicate field 'a'");
    }

    @Test
    void truncatedDataSection() throws IOException {
        // the header promises 16 bytes of data, the file stops after 10
        Path p = file("{" + entry("w", "F32", "[4]", 0, 16) + "}", 10);
        rejects(MalformedModelException.class, p, "tensor 'w'", "data_offsets [0, 16) lie outside the data section "
                + "of 10 bytes");
    }

    @Test
    void metadataMustHoldStrings() throws IOException {
        Path p = file("{\"__metadata__\":{\"format\":1}}", 0);
        rejects(MalformedModelException.class, p, "__metadata__.format must be a string");
    }

    @Test
    void headerPaddedWithSpacesAndEmptyTensorsAreAccepted() throws Exception {
        Path p = file("{" + entry("empty", "F32", "[0,3]", 0, 0) + "," + entry("w", "F32", "[1]", 0, 4) + "}    ", 4);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(List.of("empty", "w"), List.copyOf(f.tensors().keySet()));
            assertEquals(0, f.readFloats("empty").length);
            assertArrayEquals(new float[] {0f}, f.readFloats("w"));
        }
    }

    // ---- round trip with the writer ------------------------------------------------------------------------------

    @Test
    void writerRoundTripIsExactAndLeavesNoTempFile() throws Exception {
        float[] f32 = {0f, -0f, 1.5f, -2.25f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.POSITIVE_INFINITY,
                Float.intBitsToFloat(0x7fc01234), 3.1415927f, -1e-30f, 42f};
        long[] i64 = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 1L << 53};
        double[] f64 = {Math.PI, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN, 1e-300};
        Path target = dir.resolve("sub").resolve("t.safetensors");
        new SafetensorsWriter()
                .metadata("format", "pt")
                .putFloats("f32", f32, 3, 4)
                .putLongs("i64", i64, 6)
                .putDoubles("f64", f64, 2, 1, 3)
                .putFloats("scalar", new float[] {7f})
                .write(target);
        try (SafetensorsFile f = SafetensorsFile.open(target)) {
            assertEquals(List.of("f32", "i64", "f64", "scalar"), List.copyOf(f.tensors().keySet()));
            assertEquals(Map.of("format", "pt"), f.metadata());
            assertEquals(Dtype.F32, f.entry("f32").dtype());
            assertArrayEquals(new long[] {3, 4}, f.entry("f32").shape());
            assertEquals(Dtype.I64, f.entry("i64").dtype());
            assertArrayEquals(new long[] {6}, f.entry("i64").shape());
            assertEquals(Dtype.F64, f.entry("f64").dtype());
            assertArrayEquals(new long[] {2, 1, 3}, f.entry("f64").shape());
            assertArrayEquals(new long[0], f.entry("scalar").shape());
            float[] back = f.readFloats("f32");
            assertEquals(f32.length, back.length);
            for (int i = 0; i < f32.length; i++) {
                assertEquals(Float.floatToRawIntBits(f32[i]), Float.floatToRawIntBits(back[i]), "f32[" + i + "]");
            }
            assertArrayEquals(i64, f.readLongs("i64"));
            double[] d = f.readDoubles("f64");
            for (int i = 0; i < f64.length; i++) {
                assertEquals(Double.doubleToRawLongBits(f64[i]), Double.doubleToRawLongBits(d[i]), "f64[" + i + "]");
            }
            assertArrayEquals(new float[] {7f}, f.readFloats("scalar"));
            // header is padded to a multiple of 8 as the format recommends
            ByteBuffer len = ByteBuffer.wrap(Files.readAllBytes(target), 0, 8).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0, len.getLong() % 8, "header length is a multiple of 8");
        }
        // overwrite in place: still exactly one file, no temporary left beside it
        new SafetensorsWriter().putFloats("x", new float[] {1f, 2f}, 2).write(target);
        try (Stream<Path> s = Files.list(target.getParent())) {
            assertEquals(List.of(target.getFileName().toString()),
                    s.map(q -> q.getFileName().toString()).sorted().toList(), "no temporary file left behind");
        }
        try (SafetensorsFile f = SafetensorsFile.open(target)) {
            assertArrayEquals(new float[] {1f, 2f}, f.readFloats("x"));
        }
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        Path p = dir.resolve("one.safetensors");
        new SafetensorsWriter().putFloats("a", new float[] {1f}, 1).write(p);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            MalformedModelException e = assertThrows(MalformedModelException.class, () -> f.readFloats("b"));
            assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("missing tensor 'b'"),
                    e.getMessage());
        }
    }

    // ---- property: damaged files never escape as anything but ModelLoadException ----------------------------------

    private byte[] validSmallFile() throws IOException {
        Path p = dir.resolve("valid.safetensors");
        new SafetensorsWriter()
                .metadata("k", "v")
                .putFloats("a", new float[] {1f, -2f, 3.5f, 0f, 1e-3f, 7f}, 2, 3)
                .putLongs("ids", new long[] {49406, 49407}, 2)
                .putDoubles("d", new double[] {0.25}, 1)
                .write(p);
        return Files.readAllBytes(p);
    }

    @Test
    void randomMutationsAndTruncationsOpenOrThrowModelLoadException() throws IOException {
        byte[] valid = validSmallFile();
        int n = valid.length;
        // each mutation packs a position and a byte value; the cut is a truncation length (≥ n: none)
        Gen<List<Integer>> mutations = lists().of(integers().between(0, n * 256 - 1)).ofSizeBetween(0, 6);
        Gen<Integer> cut = integers().between(0, n + n / 2);
        Path target = dir.resolve("mutant.safetensors");
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        // fixed seed for reproducible builds; explore with -Damdet.qt.seed=N -Damdet.qt.examples=N
        qt().withFixedSeed(Long.getLong("amdet.qt.seed", 20240611L))
                .withExamples(Integer.getInteger("amdet.qt.examples", 1500))
                .forAll(mutations, cut).checkAssert((muts, len) -> {
            byte[] b = Arrays.copyOf(valid, Math.min(len, n));
            for (int m : muts) {
                int pos = m / 256;
                if (pos < b.length) {
                    b[pos] = (byte) (m % 256);
                }
            }
            try {
                Files.write(target, b);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            try (SafetensorsFile f = SafetensorsFile.open(target)) {
                for (TensorEntry e : f.tensors().values()) {
                    f.readFloats(e.name());
                    f.readDoubles(e.name());
                    if (!e.dtype().isFloatingPoint()) {
                        f.readLongs(e.name());
                    }
                }
                opened.incrementAndGet();
            } catch (ModelLoadException expected) {
                rejected.incrementAndGet();
                assertTrue(expected.getMessage() != null && expected.getMessage().contains(target.toString()),
                        "message names the file: " + expected.getMessage());
            } catch (Throwable t) {
                throw new AssertionError("mutant file escaped with " + t + " (mutations " + muts + ", length "
                        + b.length + ")", t);
            }
        });
        assertTrue(opened.get() > 50 && rejected.get() > 50, "the property exercised both outcomes: " + opened
                + " opened, " + rejected + " rejected");
    }
}

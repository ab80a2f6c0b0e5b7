package org.amdet.encoders;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.amdet.Encoders;
import org.amdet.MalformedModelException;
import org.amdet.ModelLoadException;
import org.amdet.Precision;
import org.amdet.TextEncoder;
import org.amdet.UnsupportedModelException;
import org.amdet.testing.NativeMemory;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models whose declared sizes exceed what the machine can hold are refused from their headers, before anything is
 * allocated or read: sparse multi-gigabyte files (no disk blocks are written) stand in for real ones.
 */
class ResourceLimitTest {
    @TempDir
    Path tmp;

    /** A model folder with clip-tiny's tokenizer and the given config; model.safetensors is added by the caller. */
    private Path folder(String name, int hidden, int heads, int inter, int layers, int vocab) throws IOException {
        Path m = Files.createDirectory(tmp.resolve(name));
        for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(TestData.hf("clip-tiny").resolve(f), m.resolve(f));
        }
        ObjectNode cfg = HfConfig.JSON.createObjectNode().put("model_type", "clip_text_model")
                .put("hidden_size", hidden).put("num_attention_heads", heads).put("intermediate_size", inter)
                .put("num_hidden_layers", layers).put("vocab_size", vocab).put("max_position_embeddings", 77)
                .put("eos_token_id", 1).put("hidden_act", "quick_gelu");
        Files.writeString(m.resolve("config.json"), cfg.toPrettyString());
        return m;
    }

    /**
     * Writes a sparse safetensors file: a valid header for {@code shapes} (F32, back to back) followed by
     * {@code dataBytes} of holes (or the exact data size when {@code dataBytes} is negative).
     */
    private static long sparseSafetensors(Path file, Map<String, long[]> shapes, long dataBytes) throws IOException {
        ObjectNode h = HfConfig.JSON.createObjectNode();
        long off = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = 4;
            for (long d : e.getValue()) {
                n *= d;
            }
            ObjectNode t = h.putObject(e.getKey());
            t.put("dtype", "F32");
            t.putArray("shape").addAll(java.util.Arrays.stream(e.getValue()).mapToObj(HfConfig.JSON.getNodeFactory()
                    ::numberNode).toList());
            t.putArray("data_offsets").add(off).add(off + n);
            off += n;
        }
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        long length = 8 + header.length + (dataBytes < 0 ? off : dataBytes);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
            f.seek(0);
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            f.write(header);
        }
        return length;
    }

    /** Names and shapes of a CLIP text encoder (HF names with the text_model. prefix). */
    private static Map<String, long[]> clipShapes(int d, int inter, int layers, int vocab) {
        TextModelConfig cfg = new TextModelConfig("clip", d, inter, layers, d / 128, 77, vocab,
                Activation.QUICK_GELU, 1e-5, true, TextModelConfig.Pooling.FIRST_EOS, 1, 0);
        Map<String, long[]> out = new LinkedHashMap<>();
        TransformerWeights.expectedShapes(cfg, false, false).forEach((k, v) -> out.put("text_model." + k, v));
        return out;
    }

    private static ModelLoadException loadFails(Path model) {
        return assertThrows(ModelLoadException.class, () -> {
            try (TextEncoder e = Encoders.load(model)) {
                e.info();
            }
        });
    }

    @Test
    void sparseModelDeclaringMoreWeightsThanPhysicalMemoryIsRefusedBeforeLoading() throws Exception {
        int d = 8192;
        int inter = 4 * d;
        int vocab = 49408;
        // bytes per weight in the precision the default options load it in (auto: bf16 on a CPU with native bf16)
        long bytes = Precision.AUTO.resolve("cpu", d) == Precision.FP32 ? 4 : 2;
        long perLayer = bytes * (4L * d * d + 2L * d * inter + 9L * d + inter);
        long available = MemoryBudget.availablePhysical();
        int layers = (int) Math.min(10_000, available / perLayer + 2);
        Path m = folder("huge", d, d / 128, inter, layers, vocab);
        Path st = m.resolve("model.safetensors");
        long size;
        try {
            size = sparseSafetensors(st, clipShapes(d, inter, layers, vocab), -1);
        } catch (IOException e) {
            Assumptions.abort("this file system cannot hold a sparse file of that size: " + e.getMessage());
            return;
        }
        try {
            assertTrue(size > available, "the sparse file (" + size + " bytes) declares more than is available ("
                    + available + ")");
            long before = NativeMemory.residentOutsideJavaHeap();
            long t0 = System.nanoTime();
            ModelLoadException e = loadFails(m);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long grew = NativeMemory.residentOutsideJavaHeap() - before;
            assertEquals(UnsupportedModelException.class, e.getClass(), e::toString);
            assertTrue(e.getMessage().contains(st.toString()) && e.getMessage().contains("bytes")
                    && e.getMessage().contains("of physical memory are available")
                    && e.getMessage().contains("refused before loading anything"), e.getMessage());
            assertTrue(ms < 10_000, "refused in " + ms + " ms");
            assertTrue(grew < 256L << 20, "resident memory grew by " + (grew >> 20) + " MiB: something was read");
        } finally {
            Files.deleteIfExists(st);
        }
    }

    /** A 2 GB sparse model.safetensors whose header lies about the data: refused from the header, in milliseconds. */
    @ParameterizedTest
    @ValueSource(strings = {"offsets-past-the-end", "single-tensor-over-2GiB", "header-length-past-the-end"})
    void twoGigabyteSparseFileWithALyingHeaderIsRejectedInMilliseconds(String lie) throws Exception {
        Path m = folder("lying-" + lie, 64, 4, 256, 2, 1119);
        Path st = m.resolve("model.safetensors");
        long twoGb = 2L * 1024 * 1024 * 1024;
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Class<? extends ModelLoadException> type;
        String says;
        switch (lie) {
            case "offsets-past-the-end" -> {
                shapes.put("text_model.embeddings.token_embedding.weight", new long[] {twoGb / 4 / 64 + 16, 64});
                type = MalformedModelException.class;
                says = "lie outside the data section";
            }
            case "single-tensor-over-2GiB" -> {
                shapes.put("text_model.embeddings.token_embedding.weight", new long[] {twoGb / 4 / 64, 64});
                type = UnsupportedModelException.class;
                says = "larger than 2 GiB";
            }
            default -> {
                type = MalformedModelException.class;
                says = "header length 3221225472 is outside [2, ";
            }
        }
        long header = sparseSafetensors(st, shapes, twoGb - 1024) - twoGb + 1024;
        if (lie.equals("header-length-past-the-end")) {
            try (RandomAccessFile f = new RandomAccessFile(st.toFile(), "rw")) {
                f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(3L << 30).array());
            }
        } else if (lie.equals("single-tensor-over-2GiB")) {
            try (RandomAccessFile f = new RandomAccessFile(st.toFile(), "rw")) {
                f.setLength(header + twoGb);
            }
        }
        try {
            loadFails(m); // warm-up: class loading, service lookup
            long t0 = System.nanoTime();
            ModelLoadException e = loadFails(m);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(type, e.getClass(), e::toString);
            assertTrue(e.getMessage().contains(st.toString()) && e.getMessage().contains(says), e.getMessage());
            assertTrue(ms < 1000, "rejected in " + ms + " ms");
        } finally {
            Files.deleteIfExists(st);
        }
    }

    @Test
    void memoryLimitPropertyCapsTheBudget() {
        String old = System.getProperty(MemoryBudget.LIMIT_PROPERTY);
        System.setProperty(MemoryBudget.LIMIT_PROPERTY, "100k");
        try {
            ModelLoadException e = loadFails(TestData.hf("clip-tiny"));
            assertEquals(UnsupportedModelException.class, e.getClass(), e::toString);
            assertTrue(e.getMessage().contains(TestData.hf("clip-tiny").resolve("model.safetensors").toString())
                    && e.getMessage().contains("capped by -Damdet.memory.limit")
                    && e.getMessage().contains("102400 bytes"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(MemoryBudget.LIMIT_PROPERTY);
            } else {
                System.setProperty(MemoryBudget.LIMIT_PROPERTY, old);
            }
        }
    }

    /**
     * A LongCLIP {@code .pt} whose pickle declares more storage than the Java heap can hold (the archive itself is a
     * few hundred bytes): refused from the pickle, before any storage is read.
     */
    @Test
    void ptCheckpointDeclaringStoragesLargerThanTheHeapIsRefusedBeforeReadingThem() throws Exception {
        long perStorage = 1L << 28; // 1 GiB of F32
        int storages = (int) (Runtime.getRuntime().maxMemory() / (perStorage * 4)) + 2;
        TorchPickleReaderTest.Pickle p = new TorchPickleReaderTest.Pickle().op('}').op('(');
        for (int i = 0; i < storages; i++) {
            p.str("w" + i).tensor("FloatStorage", String.valueOf(i), perStorage, 0, new long[] {perStorage},
                    new long[] {1});
        }
        byte[] pickle = p.op('u').op('.').bytes();
        Path pt = tmp.resolve("bomb.pt");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(pt))) {
            z.putNextEntry(new ZipEntry("archive/data.pkl"));
            z.write(pickle);
            z.closeEntry();
            for (int i = 0; i < storages; i++) {
                z.putNextEntry(new ZipEntry("archive/data/" + i));
                z.closeEntry();
            }
        }
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> TorchPickleReader.read(pt));
        assertEquals(UnsupportedModelException.class, e.getClass(), e::toString);
        assertTrue(e.getMessage().contains(pt.toString()) && e.getMessage().contains("of Java heap")
                && e.getMessage().contains((storages * perStorage * 4) + " bytes"), e.getMessage());
    }

    @Test
    void byteCountsParseWithSuffixes() {
        assertEquals(8L << 30, MemoryBudget.parseBytes("8g"));
        assertEquals(512L << 20, MemoryBudget.parseBytes(" 512M "));
        assertEquals(1000, MemoryBudget.parseBytes("1000"));
        assertEquals(Long.MAX_VALUE, MemoryBudget.times(Long.MAX_VALUE / 2, 3));
        assertEquals(Long.MAX_VALUE, MemoryBudget.add(Long.MAX_VALUE, 1));
        assertThrows(NumberFormatException.class, () -> MemoryBudget.parseBytes("-1"));
        assertThrows(NumberFormatException.class, () -> MemoryBudget.parseBytes("lots"));
    }
}

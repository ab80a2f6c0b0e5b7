package org.amdet.encoders;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.amdet.ModelLoadException;
import org.amdet.testing.TestData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Jazzer fuzz targets for LongCLIP's {@code .pt} reader: the real longclip-tiny release archive with its
 * {@code data.pkl} replaced by the fuzz input (byteorder and the 35 storages stay), and a small archive. {@link TorchPickleReader#read}
 * and the OpenAI→HF renaming must either give tensors whose bytes match their shape or fail with a
 * {@link ModelLoadException} (refused globals and opcodes are {@link org.amdet.UnsafeCheckpointException}). Seeds:
 * {@code src/test/resources/org/amdet/encoders/TorchPickleFuzzTestInputs/<method>/}.
 */
class TorchPickleFuzzTest {
    private static final Path DIR = Scratch.folder("amdet-fuzz-pickle");
    private static final Map<String, byte[]> OTHER_ENTRIES = new LinkedHashMap<>();
    private static String pickleName;

    static {
        try (ZipFile z = new ZipFile(TestData.hf("longclip-tiny").resolve("openai_layout_state_dict.pt").toFile())) {
            for (Enumeration<? extends ZipEntry> en = z.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                if (e.getName().endsWith("/data.pkl")) {
                    pickleName = e.getName();
                } else {
                    OTHER_ENTRIES.put(e.getName(), z.getInputStream(e).readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Storages of the small archive: key → float32 count (keys 0–3, 4 to 64 floats). */
    private static final Map<String, Integer> SMALL = Map.of("0", 4, "1", 12, "2", 16, "3", 64);

    @FuzzTest(maxDuration = "60s")
    void readDataPkl(byte[] data) throws IOException {
        Path pt = DIR.resolve("model.pt");
        write(pt, pickleName, data, OTHER_ENTRIES);
        readAndRename(pt);
    }

    /**
     * The same with a small archive ({@code archive/data.pkl} = the fuzz input, byteorder, storages 0–3 of 4 to 64
     * floats): about a hundred times faster per input than the real release, so the pickle machine itself gets most
     * of the fuzzing time. Seeds are hand-made pickles of tensors over those storages and refused records.
     */
    @FuzzTest(maxDuration = "60s")
    void readSmallArchive(byte[] data) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/byteorder", "little".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        SMALL.forEach((k, n) -> entries.put("archive/data/" + k, new byte[4 * n]));
        Path pt = DIR.resolve("small.pt");
        write(pt, "archive/data.pkl", data, entries);
        readAndRename(pt);
    }

    private static void write(Path pt, String pickle, byte[] data, Map<String, byte[]> others) throws IOException {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(pt))) {
            z.setLevel(Deflater.NO_COMPRESSION);
            z.putNextEntry(new ZipEntry(pickle));
            z.write(data);
            z.closeEntry();
            for (Map.Entry<String, byte[]> e : others.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
    }

    private static void readAndRename(Path pt) {
        try {
            Map<String, RawTensor> raw = TorchPickleReader.read(pt);
            for (RawTensor t : raw.values()) {
                assertEquals(t.numel() * t.dtype().size(), t.data().capacity(), t.name());
            }
            LongClipCheckpointFamily.toHfLayout(raw, pt);
        } catch (ModelLoadException expected) {
            // the only accepted failure
        }
    }
}

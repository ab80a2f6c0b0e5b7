package org.amdet.encoders;

import org.amdet.BackdoorDetector;
import org.amdet.DetectorConfig;
import org.amdet.EncoderOptions;
import org.amdet.Encoders;
import org.amdet.MalformedModelException;
import org.amdet.ModelLoadException;
import org.amdet.NonFiniteOutputException;
import org.amdet.ScanCancelledException;
import org.amdet.ScanException;
import org.amdet.ScanListener;
import org.amdet.ScanPhase;
import org.amdet.ScanReport;
import org.amdet.ShadowSet;
import org.amdet.TextEncoder;
import org.amdet.UnsupportedModelException;
import org.amdet.io.Sha256;
import org.amdet.safetensors.SafetensorsFile;
import org.amdet.safetensors.SafetensorsWriter;
import org.amdet.safetensors.TensorEntry;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12's load and scan reproducers: provenance of the bytes loaded, weights and outputs out of range, zero-sized
 * tensors, config.json disagreeing with the tensors or with itself, parse errors quoting secrets, cancellation within
 * one chunk of every long phase.
 */
class LoadValidationTest {
    @TempDir
    Path tmp;

    private Path copy(Path src, String name) throws IOException {
        Path dst = Files.createDirectory(tmp.resolve(name));
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.toList()) {
                Files.copy(p, dst.resolve(p.getFileName()));
            }
        }
        return dst;
    }

    /** Rewrites model.safetensors of {@code m}: {@code f(name, floats)} returns the new values or null to drop. */
    private static void rewrite(Path m, BiFunction<String, float[], Object> f) throws IOException {
        Path st = m.resolve("model.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile in = SafetensorsFile.open(st)) {
            for (TensorEntry e : in.tensors().values()) {
                Object v = f.apply(e.name(), in.readFloats(e.name()));
                if (v instanceof float[] fl) {
                    w.putFloats(e.name(), fl, e.shape());
                } else if (v instanceof double[] d) {
                    w.putDoubles(e.name(), d, e.shape());
                } else if (v instanceof Object[] shaped) {
                    w.putFloats(e.name(), (float[]) shaped[0], (long[]) shaped[1]);
                }
            }
        }
        w.write(st);
    }

    private static void setConfig(Path m, String key, String json) throws IOException {
        Path cfg = m.resolve("config.json");
        String s = Files.readString(cfg);
        String r = s.replaceFirst("\"" + key + "\": [^,\\n]+", "\"" + key + "\": " + json);
        assertFalse(r.equals(s), "config.json has " + key);
        Files.writeString(cfg, r);
    }

    private static <E extends Exception> E loadFails(Class<E> type, Path m, String... parts) {
        Exception e = assertThrows(Exception.class, () -> {
            try (TextEncoder enc = Encoders.load(m)) {
                enc.info();
            }
        });
        assertEquals(type, e.getClass(), e::toString);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "message should contain '" + p + "': " + e.getMessage());
        }
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return type.cast(e);
    }

    // ---- provenance ------------------------------------------------------------------------------------------------

    @Test
    void reportHashesTheBytesLoadedNotTheFilesFoundAfterTheScan() throws Exception {
        Path m = copy(TestData.zoo("base"), "suspect");
        String loaded = Sha256.of(Files.readAllBytes(m.resolve("model.safetensors")));
        try (TextEncoder s = Encoders.load(m); TextEncoder a = Encoders.load(TestData.zoo("base"))) {
            assertEquals(loaded, s.info().fileSha256().get("model.safetensors"));
            for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
                assertEquals(Sha256.of(Files.readAllBytes(m.resolve(f))), s.info().fileSha256().get(f), f);
            }
            // swap the weights for a backdoored model's after loading, in place and by renaming
            Files.copy(TestData.zoo("backdoor-1").resolve("model.safetensors"), m.resolve("model.safetensors"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.copy(TestData.zoo("backdoor-1").resolve("config.json"), tmp.resolve("c"));
            Files.move(tmp.resolve("c"), m.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);
            DetectorConfig cfg = DetectorConfig.builder().optShadowSize(40).optEpochs(1).optEvidenceLandscapeSize(0)
                    .build();
            ScanReport r = new BackdoorDetector(cfg).scan(s, a, ShadowSet.synthetic(40, 0));
            assertEquals(loaded, r.provenance().suspect().sha256().get("model.safetensors"),
                    "the report names the bytes scanned, not the file swapped in afterwards");
            assertEquals(a.info().fileSha256(), r.provenance().anchor().sha256());
        }
    }

    @Test
    void aFileRewrittenWhileLoadingIsRefused() throws Exception {
        Path f = Files.writeString(tmp.resolve("config.json"), "{\"a\": 1}");
        LoadedFiles files = new LoadedFiles();
        files.read(f, 100);
        files.verifyUnchanged();
        Thread.sleep(20);
        Files.writeString(f, "{\"a\": 2}");
        ModelLoadException e = assertThrows(ModelLoadException.class, files::verifyUnchanged);
        assertTrue(e.getMessage().contains(f + ": changed while it was being loaded"), e.getMessage());
        LoadedFiles renamed = new LoadedFiles();
        renamed.read(f, 100);
        Files.writeString(tmp.resolve("other"), "{\"a\": 2}");
        Files.move(tmp.resolve("other"), f, StandardCopyOption.REPLACE_EXISTING);
        assertThrows(ModelLoadException.class, renamed::verifyUnchanged);
    }

    // ---- numbers ---------------------------------------------------------------------------------------------------

    @Test
    void f64WeightOverflowingFp32IsRefusedAtLoadNamingFileAndTensor() throws Exception {
        Path m = copy(TestData.zoo("base"), "f64");
        rewrite(m, (n, v) -> {
            if (!n.endsWith("layers.0.mlp.fc1.weight")) {
                return v;
            }
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            d[0] = 1e300;
            return d;
        });
        loadFails(UnsupportedModelException.class, m, m.resolve("model.safetensors").toString(),
                "'text_model.encoder.layers.0.mlp.fc1.weight' holds values beyond the range of fp32",
                "stored as F64", "1.0E300");
    }

    @Test
    void weightsOverflowingInTheForwardPassMakeEncodeThrowInsteadOfReturningNaN() throws Exception {
        Path m = copy(TestData.zoo("base"), "huge");
        rewrite(m, (n, v) -> {
            if (n.contains("mlp.fc")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] *= 1e36f;
                }
            }
            return v;
        });
        try (TextEncoder enc = Encoders.load(m)) {
            NonFiniteOutputException e = assertThrows(NonFiniteOutputException.class,
                    () -> enc.encode(List.of("a photo of a cat")));
            assertTrue(e.getMessage().startsWith(m + ": ") && e.getMessage().contains("NaN or infinite"),
                    e.getMessage());
        }
    }

    // ---- shapes and config.json ------------------------------------------------------------------------------------

    @Test
    void zeroRowTextProjectionIsRefusedNamingTheTensorAndTheExpectedShape() throws Exception {
        Path m = copy(TestData.zoo("base"), "proj0");
        rewrite(m, (n, v) -> n.equals("text_projection.weight") ? new Object[] {new float[0], new long[] {0, 128}}
                : v);
        loadFails(MalformedModelException.class, m, "tensor 'text_projection.weight' has shape [0, 128]",
                "zero-sized dimension", "expected [projection_dim, hidden_size]", "projection_dim 64");
    }

    @Test
    void onePositionTableIsRefusedAtLoad() throws Exception {
        Path m = copy(TestData.zoo("base"), "pos1");
        rewrite(m, (n, v) -> n.endsWith("position_embedding.weight")
                ? new Object[] {java.util.Arrays.copyOf(v, 128), new long[] {1, 128}} : v);
        setConfig(m, "max_position_embeddings", "1");
        loadFails(MalformedModelException.class, m, "has shape [1, 128]", "expected at least 3");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "vocab_size|2000|'text_model.embeddings.token_embedding.weight' of shape [1119, 128]",
        "intermediate_size|1024|'text_model.encoder.layers.0.mlp.fc1.weight' of shape [512, 128]",
        "max_position_embeddings|64|'text_model.embeddings.position_embedding.weight' of shape [77, 128]",
        "projection_dim|32|'text_projection.weight' of shape [64, 128]"})
    void configSizeDisagreeingWithTheTensorsIsAnErrorNotAnOverride(String key, String value, String tensor)
            throws Exception {
        Path m = copy(TestData.zoo("base"), key);
        setConfig(m, key, value);
        loadFails(MalformedModelException.class, m, m.resolve("config.json") + ": " + key + " " + value
                + " disagrees with tensor " + tensor + " in " + m.resolve("model.safetensors"));
    }

    /** A copy of {@code src} whose config.json names another model_type and architecture. */
    private Path relabel(Path src, String modelType, String arch, String newArch) throws IOException {
        Path m = copy(src, modelType + "-on-" + src.getFileName());
        setConfig(m, "model_type", "\"" + modelType + "\"");
        Files.writeString(m.resolve("config.json"), Files.readString(m.resolve("config.json")).replace(arch, newArch));
        return m;
    }

    @Test
    void siglipModelTypeOnClipWeightsIsRefused() throws Exception {
        Path m = relabel(TestData.zoo("base"), "siglip_text_model", "CLIPTextModelWithProjection",
                "SiglipTextModel");
        loadFails(MalformedModelException.class, m, "names a SigLIP model", "'text_projection.weight', a CLIP tensor");
        Path mixed = copy(TestData.zoo("base"), "mixed");
        setConfig(mixed, "model_type", "\"siglip_text_model\"");
        loadFails(MalformedModelException.class, mixed, "model_type \"siglip_text_model\" (family siglip) "
                + "disagrees with architectures[0] \"CLIPTextModelWithProjection\" (family clip)");
    }

    @Test
    void clipModelTypeOnSiglipWeightsIsRefused() throws Exception {
        Path m = relabel(TestData.hf("siglip-tiny"), "clip_text_model", "SiglipTextModel", "CLIPTextModel");
        loadFails(MalformedModelException.class, m, "'head.weight', a SigLIP tensor");
    }

    @Test
    void unknownModelTypeWithAClipArchitectureListsTheSupportedTypes() throws Exception {
        Path m = copy(TestData.zoo("base"), "llama");
        setConfig(m, "model_type", "\"llama\"");
        loadFails(UnsupportedModelException.class, m, m.resolve("config.json").toString(),
                "model_type \"llama\" is not supported", "clip_text_model", "siglip_text_model");
    }

    @Test
    void scanningAgainstAnAnchorOfAnotherFamilyIsRefusedBeforeAnyWork() throws Exception {
        try (TextEncoder s = Encoders.load(TestData.hf("siglip-tiny")); TextEncoder a = Encoders.load(
                TestData.hf("clip-tiny"))) {
            ScanException e = assertThrows(ScanException.class, () -> new BackdoorDetector(DetectorConfig.defaults())
                    .scan(s, a, ShadowSet.synthetic(100, 0)));
            assertTrue(e.getMessage().contains("is a siglip encoder but anchor") && e.getMessage().contains(
                    "is a clip encoder"), e.getMessage());
        }
    }

    // ---- messages --------------------------------------------------------------------------------------------------

    @Test
    void parseErrorsOfLinkedSecretsNeverQuoteThem() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret"), "hf_SECRETtokenABCDEF\n");
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
            Path m = copy(TestData.zoo("base"), "secret-" + f);
            Files.delete(m.resolve(f));
            Files.createSymbolicLink(m.resolve(f), secret);
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> Encoders.load(m).close());
            assertTrue(e.getMessage().contains(m.resolve(f) + ": invalid JSON at line 1, column "), e.getMessage());
            assertFalse(e.getMessage().contains("hf_") || e.getMessage().contains("SECRET"), e.getMessage());
        }
    }

    // ---- cancellation ----------------------------------------------------------------------------------------------

    /** A scan that interrupts its own thread when {@code phase} starts: cancelled within that phase's first chunk. */
    @ParameterizedTest
    @EnumSource(value = ScanPhase.class, names = {"ENCODE_SHADOW", "CHECK", "LANDSCAPE"})
    void interruptTakesEffectWithinTheFirstChunkOfEachLongPhase(ScanPhase phase) throws Exception {
        DetectorConfig cfg = DetectorConfig.builder().optShadowSize(200).optEpochs(1).optForwardBatch(8)
                .optEvidenceLandscapeSize(5).optHashFiles(false).build();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicInteger stepsAfter = new AtomicInteger();
        Thread t = new Thread(() -> {
            try (TextEncoder s = Encoders.load(TestData.zoo("backdoor-1"));
                 TextEncoder a = Encoders.load(TestData.zoo("base"))) {
                new BackdoorDetector(cfg).scan(s, a, ShadowSet.synthetic(200, 0), new ScanListener() {
                    boolean fired;

                    @Override
                    public void phase(ScanPhase p) {
                        if (p == phase && !fired) {
                            fired = true;
                            Thread.currentThread().interrupt();
                        }
                    }

                    @Override
                    public void step(int epoch, int step, int total, double loss, double running) {
                        if (fired) {
                            stepsAfter.incrementAndGet();
                        }
                    }
                });
            } catch (Throwable x) {
                thrown.set(x);
            }
        });
        t.start();
        t.join(120_000);
        Throwable e = thrown.get();
        assertNotNull(e, "the scan must not complete");
        assertTrue(e instanceof ScanCancelledException, e.toString());
        assertTrue(e.getMessage().contains("interrupted during"), "cancelled inside the phase, not at the next "
                + "optimisation step: " + e.getMessage());
        assertEquals(0, stepsAfter.get(), "no optimisation step after the interrupt");
    }

    @Test
    void aLongClipCheckpointIsHashedWithTheFilesBesideIt() throws Exception {
        Path pt = TestData.hf("longclip-tiny").resolve("openai_layout_state_dict.pt");
        try (TextEncoder enc = Encoders.load(pt, EncoderOptions.defaults())) {
            assertEquals(Sha256.of(Files.readAllBytes(pt)), enc.info().fileSha256().get(pt.getFileName().toString()));
            assertEquals(List.of("openai_layout_state_dict.pt", "config.json", "tokenizer.json",
                    "tokenizer_config.json"), List.copyOf(enc.info().fileSha256().keySet()));
        }
    }
}

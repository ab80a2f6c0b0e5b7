package org.amdet.encoders;

import org.amdet.EncoderOptions;
import org.amdet.Encoders;
import org.amdet.Encoding;
import org.amdet.MalformedModelException;
import org.amdet.ModelLoadException;
import org.amdet.TextEncoder;
import org.amdet.TokenizerException;
import org.amdet.UnsupportedModelException;
import org.amdet.safetensors.SafetensorsFile;
import org.amdet.safetensors.SafetensorsWriter;
import org.amdet.safetensors.TensorEntry;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Damaged copies of the clip-tiny fixture: every defect is a typed {@link ModelLoadException} with a clear message. */
class BadModelTest {
    static final List<String> PROMPTS = List.of("a photo of a cat", "a red car parked by the sea, oil painting", "");

    @TempDir
    Path tmp;

    /** A fresh copy of testdata/hf/clip-tiny. */
    private Path copyClipTiny() throws IOException {
        Path src = TestData.hf("clip-tiny");
        Path dst = Files.createDirectory(tmp.resolve("clip-tiny"));
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.toList()) {
                Files.copy(p, dst.resolve(p.getFileName()));
            }
        }
        return dst;
    }

    /** A tensor to write back: name, shape and float32 data. */
    record T(String name, long[] shape, float[] data) {
    }

    /** All tensors of a safetensors file as float32. */
    private static List<T> tensors(Path file) throws ModelLoadException {
        List<T> out = new ArrayList<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (TensorEntry e : f.tensors().values()) {
                out.add(new T(e.name(), e.shape(), f.readFloats(e.name())));
            }
        }
        return out;
    }

    private static void write(List<T> tensors, Path file) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        for (T t : tensors) {
            w.putFloats(t.name(), t.data(), t.shape());
        }
        w.write(file);
    }

    /** Loads {@code model} expecting exactly {@code type} with a message naming {@code file} and all {@code parts}. */
    private static <E extends ModelLoadException> E rejects(Class<E> type, Path model, Path file, String... parts) {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> {
            try (TextEncoder enc = Encoders.load(model)) {
                enc.info();
            }
        });
        assertEquals(type, e.getClass(), () -> "exception type; message: " + e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), () -> "message names " + file + ": " + e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "message should contain '" + part + "': "
                    + e.getMessage());
        }
        return type.cast(e);
    }

    private static void setConfig(Path model, String key, String jsonValue) throws IOException {
        Path cfg = model.resolve("config.json");
        String s = Files.readString(cfg);
        String replaced = s.replaceFirst("\"" + key + "\": [^,\\n]+", "\"" + key + "\": " + jsonValue);
        assertTrue(!replaced.equals(s), "config.json has " + key);
        Files.writeString(cfg, replaced);
    }

    // ---- paths and config.json -----------------------------------------------------------------------------------

    @Test
    void missingPath() {
        Path absent = tmp.resolve("no-such-model");
        rejects(ModelLoadException.class, absent, absent, "no such file or folder", "config.json");
    }

    @Test
    void missingConfigJson() throws IOException {
        Path m = copyClipTiny();
        Files.delete(m.resolve("config.json"));
        rejects(ModelLoadException.class, m, m, "config.json");
    }

    @Test
    void missingConfigJsonThroughTheClipFamily() throws IOException {
        Path m = copyClipTiny();
        Files.delete(m.resolve("config.json"));
        assertTrue(new ClipFamily().recognises(m).isEmpty());
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> new ClipFamily().load(m, EncoderOptions.defaults()).close());
        assertEquals(ModelLoadException.class, e.getClass());
        assertTrue(e.getMessage().contains(m.toString()) && e.getMessage().contains("missing config.json "
                + "(expected a Hugging Face model folder)"), e.getMessage());
    }

    @Test
    void configJsonInvalid() throws IOException {
        Path m = copyClipTiny();
        Files.writeString(m.resolve("config.json"), "{\"model_type\": \"clip_text_model\", \"hidden_size\": 64,");
        rejects(MalformedModelException.class, m, m.resolve("config.json"), "invalid JSON");
    }

    @Test
    void configJsonNotAnObject() throws IOException {
        Path m = copyClipTiny();
        Files.writeString(m.resolve("config.json"), "[\"clip\"]");
        rejects(MalformedModelException.class, m, m.resolve("config.json"), "expected a JSON object");
    }

    @Test
    void unknownModelTypeListsSupportedFamilies() throws IOException {
        Path m = copyClipTiny();
        setConfig(m, "model_type", "\"bert\"");
        Files.writeString(m.resolve("config.json"),
                Files.readString(m.resolve("config.json")).replace("CLIPTextModelWithProjection", "BertModel"));
        UnsupportedModelException e = rejects(UnsupportedModelException.class, m, m,
                "unknown text-encoder architecture");
        for (String family : List.of("clip", "longclip", "siglip")) {
            assertTrue(e.getMessage().matches("(?s).*supported families are .*\\b" + family + "\\b.*"),
                    "lists " + family + ": " + e.getMessage());
        }
    }

    @Test
    void hiddenSizeDisagreeingWithTensors() throws IOException {
        Path m = copyClipTiny();
        setConfig(m, "hidden_size", "32");
        rejects(MalformedModelException.class, m, m.resolve("config.json"), "hidden_size 32 disagrees with tensor "
                + "'text_model.embeddings.token_embedding.weight' of shape [1119, 64] in "
                + m.resolve("model.safetensors"));
    }

    @Test
    void layerCountDisagreeingWithTensors() throws IOException {
        Path m = copyClipTiny();
        setConfig(m, "num_hidden_layers", "3");
        rejects(MalformedModelException.class, m, m.resolve("config.json"), "num_hidden_layers 3 disagrees with the "
                + "checkpoint " + m.resolve("model.safetensors") + ", which holds 2 layers");
    }

    @Test
    void nonPositiveConfigValue() throws IOException {
        Path m = copyClipTiny();
        setConfig(m, "num_attention_heads", "0");
        rejects(MalformedModelException.class, m, m.resolve("config.json"),
                "num_attention_heads must be a positive integer, found 0");
    }

    // ---- tensors -------------------------------------------------------------------------------------------------

    @Test
    void tensorWithWrongShape() throws IOException {
        Path m = copyClipTiny();
        Path st = m.resolve("model.safetensors");
        List<T> ts = tensors(st);
        ts.replaceAll(t -> t.name().equals("text_model.encoder.layers.1.self_attn.q_proj.weight")
                ? new T(t.name(), new long[] {32, 128}, t.data()) : t);
        write(ts, st);
        rejects(MalformedModelException.class, m, st, "tensor 'text_model.encoder.layers.1.self_attn.q_proj.weight'",
                "has shape [32, 128], expected [64, 64]");
    }

    @Test
    void biasWithWrongLength() throws IOException {
        Path m = copyClipTiny();
        Path st = m.resolve("model.safetensors");
        List<T> ts = tensors(st);
        ts.replaceAll(t -> t.name().equals("text_model.final_layer_norm.bias")
                ? new T(t.name(), new long[] {63}, java.util.Arrays.copyOf(t.data(), 63)) : t);
        write(ts, st);
        rejects(MalformedModelException.class, m, st, "final_layer_norm.bias", "has shape [63], expected [64]");
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY})
    void nonFiniteWeight(float bad) throws IOException {
        Path m = copyClipTiny();
        Path st = m.resolve("model.safetensors");
        List<T> ts = tensors(st);
        for (T t : ts) {
            if (t.name().equals("text_model.encoder.layers.0.mlp.fc2.weight")) {
                t.data()[123] = bad;
            }
        }
        write(ts, st);
        rejects(MalformedModelException.class, m, st, "tensor 'text_model.encoder.layers.0.mlp.fc2.weight'",
                "holds 1 NaN or infinite value(s)");
    }

    @Test
    void missingTensor() throws IOException {
        Path m = copyClipTiny();
        Path st = m.resolve("model.safetensors");
        List<T> ts = tensors(st);
        assertTrue(ts.removeIf(t -> t.name().equals("text_model.encoder.layers.1.mlp.fc2.bias")));
        write(ts, st);
        rejects(MalformedModelException.class, m, m, "missing tensor 'encoder.layers.1.mlp.fc2.bias'");
    }

    @Test
    void missingEmbeddingTable() throws IOException {
        Path m = copyClipTiny();
        Path st = m.resolve("model.safetensors");
        List<T> ts = tensors(st);
        assertTrue(ts.removeIf(t -> t.name().equals("text_model.embeddings.position_embedding.weight")));
        write(ts, st);
        rejects(MalformedModelException.class, m, st, "missing tensor 'embeddings.position_embedding.weight'");
    }

    @Test
    void corruptSafetensorsHeaderSurfacesThroughLoad() throws IOException {
        Path m = copyClipTiny();
        Path st = m.resolve("model.safetensors");
        byte[] b = Files.readAllBytes(st);
        Files.write(st, java.util.Arrays.copyOf(b, b.length - 100));
        rejects(MalformedModelException.class, m, st, "lie outside the data section");
    }

    // ---- tokenizer -----------------------------------------------------------------------------------------------

    @Test
    void missingTokenizerJson() throws IOException {
        Path m = copyClipTiny();
        Files.delete(m.resolve("tokenizer.json"));
        rejects(TokenizerException.class, m, m, "missing tokenizer.json");
    }

    @Test
    void onlyVocabAndMergesTellsToUseTokenizerJson() throws IOException {
        Path m = copyClipTiny();
        Files.delete(m.resolve("tokenizer.json"));
        Files.writeString(m.resolve("vocab.json"), "{\"a</w>\": 0}");
        Files.writeString(m.resolve("merges.txt"), "#version: 0.2\n");
        rejects(TokenizerException.class, m, m, "only vocab.json + merges.txt found", "tokenizer.json");
    }

    @Test
    void tokenizerJsonWithoutModelSection() throws IOException {
        Path m = copyClipTiny();
        Files.writeString(m.resolve("tokenizer.json"), "{\"version\": \"1.0\"}");
        rejects(TokenizerException.class, m, m.resolve("tokenizer.json"), "must be an object with a 'model' section");
    }

    /**
     * tokenizer.json post-processors that the Rust tokenizers library loads but panics on when encoding, aborting the
     * JVM (found by fuzzing: TextTokenizerFuzzTest, crash-4ba10766… and crash-6dd2b489…): refused at load with a
     * TokenizerException.
     */
    @ParameterizedTest
    @ValueSource(strings = {"missing-special-token", "single-uses-sequence-B", "nested-in-sequence",
            "misspelt-type"})
    void tokenizerTemplatesThatWouldCrashTheJvmAreRefused(String defect) throws IOException {
        Path m = copyClipTiny();
        com.fasterxml.jackson.databind.node.ObjectNode tj = (com.fasterxml.jackson.databind.node.ObjectNode)
                HfConfig.JSON.readTree(m.resolve("tokenizer.json").toFile());
        com.fasterxml.jackson.databind.node.ObjectNode template = (com.fasterxml.jackson.databind.node.ObjectNode)
                HfConfig.JSON.readTree("{\"type\": \"TemplateProcessing\", \"single\": [{\"SpecialToken\": "
                        + "{\"id\": \"<|startoftext|>\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}], "
                        + "\"pair\": [{\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"B\", "
                        + "\"type_id\": 1}}], \"special_tokens\": {\"<|startoftext|>\": {\"id\": \"<|startoftext|>\", "
                        + "\"ids\": [0], \"tokens\": [\"<|startoftext|>\"]}}}");
        String says;
        switch (defect) {
            case "missing-special-token" -> {
                ((com.fasterxml.jackson.databind.node.ObjectNode) template.get("single").get(0).get("SpecialToken"))
                        .put("id", "<|startoftex$|>");
                tj.set("post_processor", template);
                says = "post_processor.single uses special token '<|startoftex$|>', which its special_tokens do not "
                        + "define";
            }
            case "single-uses-sequence-B" -> {
                ((com.fasterxml.jackson.databind.node.ArrayNode) template.get("single"))
                        .add(template.get("pair").get(1));
                tj.set("post_processor", template);
                says = "post_processor.single uses sequence B";
            }
            case "misspelt-type" -> {
                // the library matches post-processors by shape: this still loads as a TemplateProcessing
                ((com.fasterxml.jackson.databind.node.ArrayNode) template.get("single"))
                        .add(template.get("pair").get(1));
                template.put("type", "TemplateProcesnisg");
                tj.set("post_processor", template);
                says = "post_processor.single uses sequence B";
            }
            default -> {
                ((com.fasterxml.jackson.databind.node.ObjectNode) template.get("single").get(0).get("SpecialToken"))
                        .put("id", "<missing>");
                tj.putObject("post_processor").put("type", "Sequence").putArray("processors")
                        .add(HfConfig.JSON.createObjectNode().put("type", "ByteLevel")).add(template);
                says = "post_processor.processors[1].single uses special token '<missing>'";
            }
        }
        Files.writeString(m.resolve("tokenizer.json"), tj.toString());
        rejects(TokenizerException.class, m, m.resolve("tokenizer.json"), says);
    }

    /**
     * A WordLevel tokenizer whose unk_token is not in its vocabulary fails on any unknown word; through DJL's batch
     * encoding that error was a Rust panic that aborted the JVM (found by fuzzing: crash-2c4706a4…). Now prompts are
     * encoded one at a time (errors become exceptions) and such a tokenizer is refused at load.
     */
    @Test
    void tokenizerThatCannotEncodeOrdinaryTextIsRefusedAtLoad() throws IOException {
        Path m = copyClipTiny();
        Files.writeString(m.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"added_tokens\": [], \"normalizer\": "
                + "null, \"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"post_processor\": null, \"decoder\": null, "
                + "\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"<|endoftext|>\": 0, \"a\": 1, \"cat\": 2}, "
                + "\"unk_token\": \"[UNK]\"}}");
        rejects(TokenizerException.class, m, m.resolve("tokenizer.json"), "cannot encode ordinary text",
                "(on 'a photo of a cat')");
    }

    @Test
    void tokenizerTemplateWithAllSpecialTokensDefinedStillLoads() throws Exception {
        Path m = copyClipTiny();
        com.fasterxml.jackson.databind.node.ObjectNode tj = (com.fasterxml.jackson.databind.node.ObjectNode)
                HfConfig.JSON.readTree(m.resolve("tokenizer.json").toFile());
        tj.set("post_processor", HfConfig.JSON.readTree("{\"type\": \"TemplateProcessing\", \"single\": "
                + "[{\"SpecialToken\": {\"id\": \"<|startoftext|>\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"A\", "
                + "\"type_id\": 0}}, {\"SpecialToken\": {\"id\": \"<|endoftext|>\", \"type_id\": 0}}], \"pair\": "
                + "[{\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"B\", \"type_id\": 1}}], "
                + "\"special_tokens\": {\"<|startoftext|>\": {\"id\": \"<|startoftext|>\", \"ids\": [0], \"tokens\": "
                + "[\"<|startoftext|>\"]}, \"<|endoftext|>\": {\"id\": \"<|endoftext|>\", \"ids\": [1], \"tokens\": "
                + "[\"<|endoftext|>\"]}}}"));
        Files.writeString(m.resolve("tokenizer.json"), tj.toString());
        Encoding reference;
        try (TextEncoder enc = Encoders.load(TestData.hf("clip-tiny"))) {
            reference = enc.encode(PROMPTS);
        }
        try (TextEncoder enc = Encoders.load(m)) {
            Encoding e = enc.encode(PROMPTS);
            for (int i = 0; i < PROMPTS.size(); i++) {
                assertArrayEquals(reference.inputIds()[i], e.inputIds()[i], "same ids as the RobertaProcessing original");
            }
        }
    }

    // ---- sharded checkpoints -------------------------------------------------------------------------------------

    private static void writeIndex(Path model, Map<String, String> weightMap) throws IOException {
        StringBuilder sb = new StringBuilder("{\"metadata\": {\"total_size\": 0}, \"weight_map\": {");
        boolean first = true;
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            sb.append(first ? "" : ", ").append('"').append(e.getKey()).append("\": \"")
                    .append(e.getValue().replace("\\", "\\\\")).append('"');
            first = false;
        }
        Files.writeString(model.resolve("model.safetensors.index.json"), sb.append("}}").toString(),
                StandardCharsets.UTF_8);
    }

    /** Splits model.safetensors into two shards plus an index; returns the tensors in order. */
    private static List<T> shard(Path m) throws IOException {
        Path st = m.resolve("model.safetensors");
        List<T> ts = tensors(st);
        int half = ts.size() / 2;
        write(ts.subList(0, half), m.resolve("model-00001-of-00002.safetensors"));
        write(ts.subList(half, ts.size()), m.resolve("model-00002-of-00002.safetensors"));
        Map<String, String> wm = new LinkedHashMap<>();
        for (int i = 0; i < ts.size(); i++) {
            wm.put(ts.get(i).name(), "model-0000" + (i < half ? 1 : 2) + "-of-00002.safetensors");
        }
        writeIndex(m, wm);
        Files.delete(st);
        return ts;
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x.safetensors", "/etc/passwd", "..\\x.safetensors", "sub/model.safetensors",
            "..", "model.bin"})
    void shardNamesOutsideTheFolderAreRefused(String shardName) throws IOException {
        Path m = copyClipTiny();
        List<T> ts = shard(m);
        Files.copy(m.resolve("model-00002-of-00002.safetensors"), tmp.resolve("x.safetensors"));
        Map<String, String> wm = new LinkedHashMap<>();
        for (int i = 0; i < ts.size(); i++) {
            wm.put(ts.get(i).name(), i == 3 ? shardName : "model-00001-of-00002.safetensors");
        }
        writeIndex(m, wm);
        rejects(MalformedModelException.class, m, m.resolve("model.safetensors.index.json"),
                "shard name '" + shardName + "'", "must be a plain *.safetensors file name inside the model folder");
    }

    @Test
    void shardSymlinkLeavingTheFolderIsRefused() throws IOException {
        Path m = copyClipTiny();
        List<T> ts = shard(m);
        Path outside = Files.move(m.resolve("model-00002-of-00002.safetensors"), tmp.resolve("outside.safetensors"));
        Files.createSymbolicLink(m.resolve("model-00002-of-00002.safetensors"), outside);
        rejects(MalformedModelException.class, m, m.resolve("model.safetensors.index.json"),
                "shard 'model-00002-of-00002.safetensors' resolves outside the model folder");
        assertEquals(ts.size() - ts.size() / 2, tensors(outside).size(), "sanity: the link target is a real shard");
    }

    @Test
    void indexNamingATensorTheShardDoesNotHold() throws IOException {
        Path m = copyClipTiny();
        List<T> ts = shard(m);
        Map<String, String> wm = new LinkedHashMap<>();
        for (T t : ts) {
            wm.put(t.name(), "model-00001-of-00002.safetensors");
        }
        writeIndex(m, wm);
        Path shard1 = m.resolve("model-00001-of-00002.safetensors");
        rejects(MalformedModelException.class, m, shard1, "is mapped to this shard by model.safetensors.index.json "
                + "but the shard does not hold it");
    }

    @Test
    void indexWithoutWeightMap() throws IOException {
        Path m = copyClipTiny();
        shard(m);
        Files.writeString(m.resolve("model.safetensors.index.json"), "{\"metadata\": {}}");
        rejects(MalformedModelException.class, m, m.resolve("model.safetensors.index.json"),
                "expected a non-empty 'weight_map' object");
    }

    @Test
    void missingShard() throws IOException {
        Path m = copyClipTiny();
        shard(m);
        Path gone = m.resolve("model-00002-of-00002.safetensors");
        Files.delete(gone);
        rejects(ModelLoadException.class, m, gone, "is missing");
    }

    @Test
    void validShardedCheckpointEncodesLikeTheSingleFile() throws Exception {
        Encoding reference;
        try (TextEncoder enc = Encoders.load(TestData.hf("clip-tiny"))) {
            reference = enc.encode(PROMPTS);
        }
        Path m = copyClipTiny();
        shard(m);
        assertTrue(Files.notExists(m.resolve("model.safetensors")));
        try (TextEncoder enc = Encoders.load(m)) {
            assertEquals("clip", enc.info().family());
            Encoding e = enc.encode(PROMPTS);
            for (int i = 0; i < PROMPTS.size(); i++) {
                assertArrayEquals(reference.inputIds()[i], e.inputIds()[i], "ids of prompt " + i);
            }
            assertArrayEquals(reference.lastHiddenState(), e.lastHiddenState(), "last_hidden_state");
            assertArrayEquals(reference.pooled(), e.pooled(), "pooled");
        }
    }
}

package org.amdet.encoders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.amdet.testing.TestData;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Generated tokenizer.json variants and prompt strings for the tokenizer fuzz targets and tests: every component type
 * the Rust library knows (and some it does not), with parameters drawn towards their edges, SentencePiece charsmaps
 * built as valid double arrays, then corrupted or not, and prompts of arbitrary Unicode (tag characters, private-use
 * planes, unpaired surrogates, controls). The draws come from a {@link Choices}: Jazzer's data provider when fuzzing,
 * a seeded {@link Random} in the always-on and soak tests.
 */
final class TokenizerVariants {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectNode CLIP = readClip();

    private TokenizerVariants() {
    }

    /** A source of choices. */
    interface Choices {
        /** An int in [0, n). */
        int pick(int n);

        default boolean coin() {
            return pick(2) == 1;
        }

        default <T> T oneOf(List<T> options) {
            return options.get(pick(options.size()));
        }
    }

    static Choices of(Random r) {
        return r::nextInt;
    }

    static Choices of(com.code_intelligence.jazzer.api.FuzzedDataProvider d) {
        return n -> n <= 1 ? 0 : d.consumeInt(0, n - 1);
    }

    private static ObjectNode readClip() {
        try {
            return (ObjectNode) HfConfig.JSON.readTree(TestData.hf("clip-tiny").resolve("tokenizer.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** clip-tiny's tokenizer.json (a fresh copy). */
    static ObjectNode clip() {
        return CLIP.deepCopy();
    }

    // ---- prompt strings ----------------------------------------------------------------------------------------

    private static final int[] SPECIAL = {0x0, 0x9, 0xA, 0xD, 0x20, 0x7F, 0x85, 0xA0, 0xAD, 0x2028, 0x200D, 0xFE0F,
            0xFEFF, 0xFFFD, 0xFFFF, 0xE0001, 0xE0020, 0xE0067, 0xE007F, 0xF0000, 0xFFFFD, 0x100000, 0x10FFFD, 0x1F3F4,
            0x1F1FA, 0x1F600, 0x0301, 0x0E01, 0x1100, 0xAC00, 0xFF21, 0xFB01, 0x2581, 0x0120, 0x0100};

    /** A prompt of up to {@code maxChars} UTF-16 units: any code points, unpaired surrogates included. */
    static String prompt(Choices c, int maxChars) {
        StringBuilder b = new StringBuilder();
        int n = c.pick(maxChars + 1);
        while (b.length() < n) {
            switch (c.pick(14)) {
                case 0 -> b.append((char) (0xD800 + c.pick(0x800)));                 // a lone surrogate
                case 1 -> b.append("\uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC7F"); // a flag tag sequence
                case 2, 3 -> b.appendCodePoint(SPECIAL[c.pick(SPECIAL.length)]);
                case 4, 5 -> b.appendCodePoint(0xE0000 + c.pick(0x80));            // tag characters
                case 6, 7 -> b.appendCodePoint(0xF0000 + c.pick(0x20000));         // private-use planes 15-16
                case 8, 9, 10 -> b.append(c.oneOf(List.of("a", "cat", "zzzz", " ", "<|endoftext|>", "</s>", "'s",
                        "1969")));
                default -> {
                    int cp = c.pick(0x110000);
                    b.appendCodePoint(cp >= 0xD800 && cp <= 0xDFFF ? 'x' : cp);
                }
            }
        }
        return b.length() > maxChars ? b.substring(0, maxChars) : b.toString();
    }

    // ---- SentencePiece charsmaps --------------------------------------------------------------------------------

    /**
     * A {@code precompiled_charsmap} mapping each key to its replacement, laid out as the Rust library reads it: a
     * double array in blocks of 256 units (a node's children at its block base XOR their byte, its value unit at the
     * base itself), then the NUL-terminated replacements.
     */
    static byte[] charsmap(Map<String, String> rules) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        TreeMap<String, Integer> valueOf = new TreeMap<>();
        Node root = new Node();
        for (Map.Entry<String, String> e : rules.entrySet()) {
            valueOf.put(e.getKey(), text.size());
            byte[] r = e.getValue().getBytes(StandardCharsets.UTF_8);
            text.write(r, 0, r.length);
            text.write(0);
            Node n = root;
            for (byte k : e.getKey().getBytes(StandardCharsets.UTF_8)) {
                n = n.children.computeIfAbsent(k & 0xFF, x -> new Node());
            }
            n.value = valueOf.get(e.getKey());
        }
        List<long[]> units = new ArrayList<>();
        grow(units, 256);
        int rootBase = allocate(units);
        units.get(0)[0] = (long) rootBase << 10;
        place(root, rootBase, units);
        int count = units.size();
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * count + text.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4 * count);
        for (long[] u : units) {
            b.putInt((int) u[0]);
        }
        b.put(text.toByteArray());
        return b.array();
    }

    private static final class Node {
        final TreeMap<Integer, Node> children = new TreeMap<>();
        Integer value;
    }

    private static void grow(List<long[]> units, int n) {
        for (int i = 0; i < n; i++) {
            units.add(new long[1]);
        }
    }

    private static int allocate(List<long[]> units) {
        int base = units.size();
        grow(units, 256);
        return base;
    }

    /** Writes the children of {@code node}, whose block starts at {@code base}. */
    private static void place(Node node, int base, List<long[]> units) {
        if (node.value != null) {
            units.get(base)[0] = node.value;
        }
        for (Map.Entry<Integer, Node> e : node.children.entrySet()) {
            int pos = base ^ e.getKey();
            Node child = e.getValue();
            int childBase = allocate(units);
            long unit = e.getKey() | ((long) (pos ^ childBase) << 10) | (child.value != null ? 1L << 8 : 0);
            units.get(pos)[0] = unit;
            place(child, childBase, units);
        }
    }

    /** A charsmap: built from random rules, then maybe corrupted (a flipped byte, truncated, or random bytes). */
    static byte[] charsmap(Choices c) {
        Map<String, String> rules = new LinkedHashMap<>();
        int n = c.pick(6);
        for (int i = 0; i < n; i++) {
            String key = prompt(c, 2);
            if (!key.isEmpty() && key.indexOf('\0') < 0) {
                rules.put(key, prompt(c, 3));
            }
        }
        rules.put("\uFF21", "A");
        byte[] map = charsmap(rules);
        switch (c.pick(5)) {
            case 0 -> map[c.pick(map.length)] ^= (byte) (1 << c.pick(8));
            case 1 -> map = java.util.Arrays.copyOf(map, c.pick(map.length));
            case 2 -> {
                map = new byte[c.pick(64)];
                for (int i = 0; i < map.length; i++) {
                    map[i] = (byte) c.pick(256);
                }
            }
            default -> {
                // valid
            }
        }
        return map;
    }

    // ---- tokenizer.json variants --------------------------------------------------------------------------------

    private static final List<String> REGEXES = List.of("\\s+", " {2,}",
            "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+", "^.*$", "(a*)*b", "", "\\s*", "(?=a)", "[",
            "\\p{Zzzz}", ".", "$");

    private static JsonNode pattern(Choices c) {
        ObjectNode p = F.objectNode();
        if (c.coin()) {
            p.put("Regex", c.oneOf(REGEXES));
        } else {
            p.put("String", c.pick(6) == 0 ? "" : prompt(c, 3));
        }
        return p;
    }

    /** {@code n} with {@code key} set to each value of {@code kv} in turn (key, value, key, value, ...). */
    private static ObjectNode with(ObjectNode n, Object... kv) {
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            n.set((String) kv[i], v instanceof JsonNode j ? j : F.textNode((String) v));
        }
        return n;
    }

    private static String type(Choices c, List<String> types) {
        int i = c.pick(types.size() + 1);
        return i < types.size() ? types.get(i) : c.coin() ? "Bogus" : types.get(c.pick(types.size())).toLowerCase();
    }

    private static JsonNode flag(Choices c) {
        return switch (c.pick(16)) {
            case 0 -> F.nullNode();
            case 1 -> F.numberNode(1);
            default -> F.booleanNode(c.coin());
        };
    }

    private static JsonNode smallInt(Choices c) {
        return switch (c.pick(12)) {
            case 0 -> F.numberNode(-1);
            case 1 -> F.numberNode(1L << 40);
            default -> F.numberNode(c.pick(5));
        };
    }

    static JsonNode normalizer(Choices c, int depth) {
        String t = type(c, List.of("Sequence", "NFC", "NFD", "NFKC", "NFKD", "Lowercase", "Nmt", "StripAccents",
                "ByteLevel", "Strip", "BertNormalizer", "Replace", "Prepend", "Precompiled"));
        ObjectNode n = F.objectNode().put("type", t);
        switch (t) {
            case "Sequence" -> {
                ArrayNode list = n.putArray("normalizers");
                for (int i = depth < 3 ? c.pick(4) : 0; i > 0; i--) {
                    list.add(normalizer(c, depth + 1));
                }
            }
            case "Strip" -> with(n, "strip_left", flag(c), "strip_right", flag(c));
            case "BertNormalizer" -> with(n, "clean_text", flag(c), "handle_chinese_chars", flag(c), "strip_accents",
                    flag(c), "lowercase", flag(c));
            case "Replace" -> with(n, "pattern", pattern(c), "content", prompt(c, 4));
            case "Prepend" -> n.put("prepend", prompt(c, 4));
            case "Precompiled" -> n.put("precompiled_charsmap", Base64.getEncoder().encodeToString(charsmap(c)));
            default -> {
                // no parameters
            }
        }
        return n;
    }

    private static final List<String> BEHAVIOURS = List.of("Removed", "Isolated", "MergedWithPrevious",
            "MergedWithNext", "Contiguous", "removed");

    static JsonNode preTokenizer(Choices c, int depth) {
        String t = type(c, List.of("Sequence", "ByteLevel", "Whitespace", "WhitespaceSplit", "BertPreTokenizer",
                "Metaspace", "Split", "Punctuation", "Digits", "CharDelimiterSplit", "UnicodeScripts"));
        ObjectNode n = F.objectNode().put("type", t);
        switch (t) {
            case "Sequence" -> {
                ArrayNode list = n.putArray("pretokenizers");
                for (int i = depth < 3 ? c.pick(4) : 0; i > 0; i--) {
                    list.add(preTokenizer(c, depth + 1));
                }
            }
            case "ByteLevel" -> with(n, "add_prefix_space", flag(c), "trim_offsets", flag(c), "use_regex", flag(c));
            case "Metaspace" -> n.put("replacement", c.coin() ? "\u2581" : prompt(c, 2))
                    .put("prepend_scheme", c.oneOf(List.of("always", "first", "never", "sometimes")))
                    .set("split", flag(c));
            case "Split" -> with(n, "pattern", pattern(c), "behavior", c.oneOf(BEHAVIOURS), "invert", flag(c));
            case "Punctuation" -> n.put("behavior", c.oneOf(BEHAVIOURS));
            case "Digits" -> n.set("individual_digits", flag(c));
            case "CharDelimiterSplit" -> n.put("delimiter", prompt(c, 2));
            default -> {
                // no parameters
            }
        }
        return n;
    }

    static JsonNode decoder(Choices c, int depth) {
        String t = type(c, List.of("Sequence", "ByteLevel", "Metaspace", "WordPiece", "BPEDecoder", "ByteFallback",
                "Fuse", "Strip", "Replace", "CTC"));
        ObjectNode n = F.objectNode().put("type", t);
        switch (t) {
            case "Sequence" -> {
                ArrayNode list = n.putArray("decoders");
                for (int i = depth < 3 ? c.pick(4) : 0; i > 0; i--) {
                    list.add(decoder(c, depth + 1));
                }
            }
            case "ByteLevel" -> n.set("add_prefix_space", flag(c));
            case "Metaspace" -> n.put("replacement", c.coin() ? "\u2581" : prompt(c, 2))
                    .put("prepend_scheme", c.oneOf(List.of("always", "first", "never")));
            case "WordPiece" -> with(n, "prefix", prompt(c, 3), "cleanup", flag(c));
            case "BPEDecoder" -> n.put("suffix", prompt(c, 4));
            case "Strip" -> with(n, "content", prompt(c, 2), "start", smallInt(c), "stop", smallInt(c));
            case "Replace" -> with(n, "pattern", pattern(c), "content", prompt(c, 3));
            case "CTC" -> n.put("pad_token", prompt(c, 3)).put("word_delimiter_token", prompt(c, 3))
                    .set("cleanup", flag(c));
            default -> {
                // no parameters
            }
        }
        return n;
    }

    private static JsonNode template(Choices c, boolean pair) {
        ArrayNode t = F.arrayNode();
        for (int i = c.pick(4); i >= 0; i--) {
            if (c.coin()) {
                t.addObject().putObject("Sequence").put("id", pair && c.coin() ? "B" : "A").set("type_id",
                        smallInt(c));
            } else {
                t.addObject().putObject("SpecialToken").put("id", c.oneOf(List.of("<|startoftext|>", "<|endoftext|>",
                        "<x>"))).set("type_id", smallInt(c));
            }
        }
        return t;
    }

    static JsonNode postProcessor(Choices c, int depth) {
        String t = type(c, List.of("RobertaProcessing", "Sequence", "TemplateProcessing", "BertProcessing",
                "ByteLevel"));
        ObjectNode n = F.objectNode().put("type", t);
        switch (t) {
            case "Sequence" -> {
                ArrayNode list = n.putArray("processors");
                for (int i = depth < 2 ? c.pick(3) : 0; i > 0; i--) {
                    list.add(postProcessor(c, depth + 1));
                }
            }
            case "RobertaProcessing", "BertProcessing" -> {
                n.putArray("sep").add("<|endoftext|>").add(c.pick(8) == 0 ? 5000 : 1);
                n.putArray("cls").add("<|startoftext|>").add(0);
                n.set("trim_offsets", flag(c));
                n.set("add_prefix_space", flag(c));
            }
            case "TemplateProcessing" -> {
                n.set("single", template(c, false));
                n.set("pair", template(c, true));
                ObjectNode st = n.putObject("special_tokens");
                for (String s : List.of("<|startoftext|>", "<|endoftext|>")) {
                    if (c.pick(4) > 0) {
                        ArrayNode ids = st.putObject(s).put("id", s).putArray("ids");
                        ids.add(s.contains("start") ? 0 : c.pick(8) == 0 ? 99999 : 1);
                        ((ObjectNode) st.get(s)).putArray("tokens").add(s);
                        if (c.pick(8) == 0) {
                            ids.add(1);
                        }
                    }
                }
            }
            default -> n.set("add_prefix_space", flag(c));
        }
        return n;
    }

    /** A variant of clip-tiny's tokenizer.json: each section kept, replaced by a generated one, or broken. */
    static ObjectNode tokenizer(Choices c) {
        ObjectNode tj = clip();
        if (c.coin()) {
            tj.set("normalizer", normalizer(c, 0));
        }
        if (c.coin()) {
            tj.set("pre_tokenizer", preTokenizer(c, 0));
        }
        if (c.coin()) {
            tj.set("decoder", decoder(c, 0));
        }
        if (c.pick(3) == 0) {
            tj.set("post_processor", postProcessor(c, 0));
        }
        ObjectNode model = (ObjectNode) tj.get("model");
        switch (c.pick(8)) {
            case 0 -> model.set("byte_fallback", flag(c));
            case 1 -> model.put("unk_token", c.coin() ? "<unk>" : prompt(c, 3));
            case 2 -> model.set("dropout", c.coin() ? F.numberNode(c.pick(3) / 2.0) : F.numberNode(-1));
            case 3 -> with(model, "continuing_subword_prefix", prompt(c, 3), "fuse_unk", flag(c));
            case 4 -> tj.set("model", with(F.objectNode(), "type", "WordLevel", "unk_token",
                    c.coin() ? "<|endoftext|>" : "[UNK]", "vocab", F.objectNode().put("<|endoftext|>", 1).put("a", 2)
                            .put("cat", 3).put("<|startoftext|>", 0)));
            case 5 -> {
                ObjectNode u = F.objectNode().put("type", "Unigram");
                ArrayNode v = u.putArray("vocab");
                v.addArray().add("<|startoftext|>").add(0.0);
                v.addArray().add("<|endoftext|>").add(0.0);
                v.addArray().add("\u2581").add(-2.0);
                for (String p : List.of("a", "c", "t", "\u2581cat", "\u2581a")) {
                    v.addArray().add(p).add(-1.0 - c.pick(10));
                }
                u.set("unk_id", smallInt(c));
                u.set("byte_fallback", flag(c));
                tj.set("model", u);
            }
            case 6 -> tj.set("model", with(F.objectNode(), "type", "WordPiece", "unk_token", "<|endoftext|>",
                    "continuing_subword_prefix", "##", "max_input_chars_per_word", smallInt(c)));
            default -> {
                // the original BPE
            }
        }
        if (tj.get("model").path("type").asText().equals("WordPiece")) {
            ((ObjectNode) tj.get("model")).set("vocab", F.objectNode().put("<|startoftext|>", 0)
                    .put("<|endoftext|>", 1).put("a", 2).put("##t", 3).put("c", 4));
        }
        if (c.pick(4) == 0) {
            ObjectNode a = ((ArrayNode) tj.get("added_tokens")).addObject();
            a.put("id", c.pick(3) == 0 ? 99999 : 2 + c.pick(5));
            a.put("content", prompt(c, 4));
            a.set("single_word", flag(c));
            a.set("lstrip", flag(c));
            a.set("rstrip", flag(c));
            a.set("normalized", flag(c));
            a.set("special", flag(c));
        }
        if (c.pick(4) == 0) {
            tj.putObject("truncation").put("direction", "Right").put("max_length", c.pick(4))
                    .put("strategy", "LongestFirst").put("stride", c.pick(8));
        }
        if (c.pick(6) == 0) {
            tj.putObject("padding").put("strategy", "BatchLongest").put("direction", "Left")
                    .put("pad_to_multiple_of", c.pick(3)).put("pad_id", c.pick(5)).put("pad_type_id", 0)
                    .put("pad_token", "<|endoftext|>");
        }
        return tj;
    }
}

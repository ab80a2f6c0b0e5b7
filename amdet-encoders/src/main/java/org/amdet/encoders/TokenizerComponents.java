package org.amdet.encoders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.amdet.TokenizerException;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.nio.file.Path;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * The allow-list of {@code tokenizer.json} components amdet hands to the Rust {@code tokenizers} library.
 *
 * <p>A Rust panic inside the library cannot unwind through JNI: it aborts the JVM. The library panics on some
 * components it accepts when loading (a {@code Precompiled} normalizer whose trie indexes past its own end, a
 * {@code Strip} decoder with a {@code stop} longer than a token, a truncation {@code stride} not below its length, a
 * regular expression that exceeds the matcher's retry limit, ...). So amdet does not hand the library the user's file:
 * it reads the file, checks every component against this list — each component {@code type} with the parameters it
 * may have and their ranges — and gives the library a copy rebuilt from the checked values only (unknown keys
 * dropped, {@code truncation} and {@code padding} removed: amdet truncates and pads itself). What the library parses is
 * therefore exactly what was checked, whatever the JSON parsers disagree on (duplicate keys, unknown fields). A
 * component or parameter outside the list is a {@link TokenizerException} naming the file and the component's path
 * (e.g. {@code normalizer.normalizers[0] (Precompiled)}).
 *
 * <p>Rules the fuzz targets ({@code TextTokenizerFuzzTest}, {@code TokenizerComponentsFuzzTest}) hold:
 * <ul>
 *   <li>every component names its {@code type}, from the list below (the library picks a variant by the JSON's shape
 *       when the type is unknown);</li>
 *   <li>regular expressions only from {@link #KNOWN_REGEXES} (those of CLIP, LongCLIP, GPT-2 and SentencePiece
 *       conversions); literal patterns non-empty and short;</li>
 *   <li>a {@code Precompiled} charsmap is verified in full: every trie position any UTF-8 text can reach lies inside
 *       the trie, and every replacement offset lies inside the replacement text, on a character boundary;</li>
 *   <li>{@code Strip} (a decoder) only with {@code stop = 0}; short replacement and prefix strings; no nesting deeper
 *       than {@link #MAX_DEPTH}.</li>
 * </ul>
 * The decoder is checked too, although amdet never runs it: token texts for reports are computed in Java
 * ({@link TokenTexts}).
 */
final class TokenizerComponents {
    /** Deepest nesting of {@code Sequence} components. */
    static final int MAX_DEPTH = 8;
    /** Longest literal pattern, replacement, prefix or suffix string, in characters. */
    static final int MAX_SHORT_STRING = 64;
    /** Longest token string (vocabulary entries, special and added tokens), in characters. */
    static final int MAX_TOKEN_CHARS = 1024;

    /** The regular expressions a tokenizer.json may use (matched literally). */
    static final Set<String> KNOWN_REGEXES = Set.of(
            // CLIP and LongCLIP pre-tokenizer
            "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            // GPT-2 / RoBERTa pre-tokenizer
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            // whitespace normalisation (CLIP; SentencePiece conversions)
            "\\s+", " {2,}", "\\s{2,}");

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private TokenizerComponents() {
    }

    /** A checked copy of {@code root} for the library, or a TokenizerException naming the first offending part. */
    static ObjectNode sanitise(JsonNode root, Path file) throws TokenizerException {
        Checker c = new Checker(file);
        ObjectNode out = F.objectNode();
        if (root.has("version")) {
            out.set("version", c.string(root.get("version"), "version", MAX_SHORT_STRING));
        }
        out.putNull("truncation");
        out.putNull("padding");
        out.set("added_tokens", c.addedTokens(root.path("added_tokens"), "added_tokens"));
        out.set("normalizer", c.component(root.get("normalizer"), "normalizer", 0, c.normalizers));
        out.set("pre_tokenizer", c.component(root.get("pre_tokenizer"), "pre_tokenizer", 0, c.preTokenizers));
        out.set("post_processor", c.component(root.get("post_processor"), "post_processor", 0, c.postProcessors));
        out.set("decoder", c.component(root.get("decoder"), "decoder", 0, c.decoders));
        if (!root.path("model").isObject()) {
            throw c.refuse("model", "missing");
        }
        out.set("model", c.component(root.get("model"), "model", 0, c.models));
        c.wellFormed(out, "");
        return out;
    }

    /** Checks one part of a tokenizer.json; {@code where} is the JSON path shown in messages. */
    private static final class Checker {
        private final Path file;

        Checker(Path file) {
            this.file = file;
        }

        TokenizerException refuse(String where, String why) {
            return new TokenizerException(file, where + ": " + why + " (amdet loads only the tokenizer components "
                    + "it has checked: docs/hostile-inputs.md#tokenizer)");
        }

        /**
         * Refuses an unpaired surrogate in any name or string of the checked copy: the library's JSON parser rejects
         * one, and for a decoder it then panics instead of returning the error (found by fuzzing).
         */
        void wellFormed(JsonNode n, String where) throws TokenizerException {
            if (n.isTextual()) {
                wellFormed(n.asText(), where);
            } else if (n.isArray()) {
                for (int i = 0; i < n.size(); i++) {
                    wellFormed(n.get(i), where + "[" + i + "]");
                }
            } else if (n.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String w = where.isEmpty() ? e.getKey() : where + "." + e.getKey();
                    wellFormed(e.getKey(), w);
                    wellFormed(e.getValue(), w);
                }
            }
        }

        private void wellFormed(String s, String where) throws TokenizerException {
            if (!TextTokenizer.wellFormed(s).equals(s)) {
                throw refuse(TextTokenizer.shown(where), "holds an unpaired surrogate, which the library cannot read");
            }
        }

        // ---- scalars -------------------------------------------------------------------------------------------

        JsonNode bool(JsonNode n, String where) throws TokenizerException {
            if (n == null || !n.isBoolean()) {
                throw refuse(where, "expected true or false");
            }
            return n.deepCopy();
        }

        JsonNode string(JsonNode n, String where, int maxChars) throws TokenizerException {
            if (n == null || !n.isTextual()) {
                throw refuse(where, "expected a string");
            }
            if (n.asText().length() > maxChars) {
                throw refuse(where, "string of " + n.asText().length() + " characters, at most " + maxChars);
            }
            return n.deepCopy();
        }

        JsonNode nonEmpty(JsonNode n, String where, int maxChars) throws TokenizerException {
            JsonNode s = string(n, where, maxChars);
            if (s.asText().isEmpty()) {
                throw refuse(where, "empty string");
            }
            return s;
        }

        JsonNode character(JsonNode n, String where) throws TokenizerException {
            JsonNode s = string(n, where, 2);
            if (s.asText().codePointCount(0, s.asText().length()) != 1) {
                throw refuse(where, "expected exactly one character");
            }
            return s;
        }

        JsonNode integer(JsonNode n, String where, long min, long max) throws TokenizerException {
            if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
                throw refuse(where, "expected an integer in [" + min + ", " + max + "]");
            }
            return F.numberNode(n.asLong());
        }

        JsonNode oneOf(JsonNode n, String where, Set<String> values) throws TokenizerException {
            if (n == null || !n.isTextual() || !values.contains(n.asText())) {
                throw refuse(where, "expected one of " + new TreeSet<>(values));
            }
            return n.deepCopy();
        }

        JsonNode pattern(JsonNode n, String where) throws TokenizerException {
            if (n == null || !n.isObject() || n.size() != 1) {
                throw refuse(where, "expected {\"String\": ...} or {\"Regex\": ...}");
            }
            ObjectNode out = F.objectNode();
            if (n.has("String")) {
                out.set("String", nonEmpty(n.get("String"), where + ".String", MAX_SHORT_STRING));
            } else if (n.has("Regex")) {
                JsonNode r = string(n.get("Regex"), where + ".Regex", 256);
                if (!KNOWN_REGEXES.contains(r.asText())) {
                    throw refuse(where + ".Regex", "regular expression not on amdet's list of known tokenizer "
                            + "expressions (an unknown expression can exhaust the matcher and abort the process)");
                }
                out.set("Regex", r);
            } else {
                throw refuse(where, "expected {\"String\": ...} or {\"Regex\": ...}");
            }
            return out;
        }

        // ---- components ----------------------------------------------------------------------------------------

        /** Fills the checked copy {@code out} of component {@code n}; {@code at} names it, {@code where} its path. */
        interface Body {
            void fill(JsonNode n, ObjectNode out, String at, String where, int depth) throws TokenizerException;
        }

        /** Checks one parameter value. */
        interface Check {
            JsonNode apply(JsonNode n, String where) throws TokenizerException;
        }

        /** The allowed component types of each section, with the check of their parameters. */
        final Map<String, Body> normalizers = new HashMap<>();
        final Map<String, Body> preTokenizers = new HashMap<>();
        final Map<String, Body> postProcessors = new HashMap<>();
        final Map<String, Body> decoders = new HashMap<>();
        final Map<String, Body> models = new HashMap<>();

        {
            Body none = (n, out, at, where, depth) -> { };
            Body byteLevel = (n, out, at, where, depth) -> optional(n, out, at, Map.of("add_prefix_space",
                    this::bool, "trim_offsets", this::bool, "use_regex", this::bool));
            Body metaspace = (n, out, at, where, depth) -> {
                out.set("replacement", character(n.get("replacement"), at + ".replacement"));
                optional(n, out, at, Map.of("prepend_scheme", (v, w) -> oneOf(v, w, PREPEND), "split", this::bool,
                        "add_prefix_space", this::bool));
            };
            Body replace = (n, out, at, where, depth) -> {
                out.set("pattern", pattern(n.get("pattern"), at + ".pattern"));
                out.set("content", string(n.get("content"), at + ".content", MAX_SHORT_STRING));
            };

            for (String t : List.of("NFC", "NFD", "NFKC", "NFKD", "Lowercase", "Nmt", "StripAccents", "ByteLevel")) {
                normalizers.put(t, none);
            }
            normalizers.put("Strip", (n, out, at, where, depth) -> optional(n, out, at, Map.of("strip_left",
                    this::bool, "strip_right", this::bool)));
            normalizers.put("BertNormalizer", (n, out, at, where, depth) -> optional(n, out, at, Map.of("clean_text",
                    this::bool, "handle_chinese_chars", this::bool, "strip_accents", this::bool, "lowercase",
                    this::bool)));
            normalizers.put("Replace", replace);
            // an empty prepend corrupts the alignments, and a later step (ByteLevel) indexes past them and panics
            normalizers.put("Prepend", (n, out, at, where, depth) -> out.set("prepend", nonEmpty(n.get("prepend"),
                    at + ".prepend", MAX_SHORT_STRING)));
            normalizers.put("Precompiled", (n, out, at, where, depth) -> out.set("precompiled_charsmap",
                    precompiled(n.get("precompiled_charsmap"), at + ".precompiled_charsmap")));
            normalizers.put("Sequence", sequence("normalizers", normalizers));

            for (String t : List.of("Whitespace", "WhitespaceSplit", "BertPreTokenizer", "UnicodeScripts")) {
                preTokenizers.put(t, none);
            }
            preTokenizers.put("ByteLevel", byteLevel);
            preTokenizers.put("Metaspace", metaspace);
            preTokenizers.put("Split", (n, out, at, where, depth) -> {
                out.set("pattern", pattern(n.get("pattern"), at + ".pattern"));
                out.set("behavior", oneOf(n.get("behavior"), at + ".behavior", BEHAVIOURS));
                out.set("invert", bool(n.get("invert"), at + ".invert"));
            });
            preTokenizers.put("Punctuation", (n, out, at, where, depth) -> optional(n, out, at, Map.of("behavior",
                    (v, w) -> oneOf(v, w, BEHAVIOURS))));
            preTokenizers.put("Digits", (n, out, at, where, depth) -> optional(n, out, at, Map.of(
                    "individual_digits", this::bool)));
            preTokenizers.put("CharDelimiterSplit", (n, out, at, where, depth) -> out.set("delimiter",
                    character(n.get("delimiter"), at + ".delimiter")));
            preTokenizers.put("Sequence", sequence("pretokenizers", preTokenizers));

            Body specialPair = (n, out, at, where, depth) -> {
                out.set("sep", tokenAndId(n.get("sep"), at + ".sep"));
                out.set("cls", tokenAndId(n.get("cls"), at + ".cls"));
            };
            postProcessors.put("BertProcessing", specialPair);
            postProcessors.put("RobertaProcessing", (n, out, at, where, depth) -> {
                specialPair.fill(n, out, at, where, depth);
                optional(n, out, at, Map.of("trim_offsets", this::bool, "add_prefix_space", this::bool));
            });
            postProcessors.put("ByteLevel", byteLevel);
            postProcessors.put("TemplateProcessing", this::template);
            postProcessors.put("Sequence", sequence("processors", postProcessors));

            for (String t : List.of("ByteFallback", "Fuse")) {
                decoders.put(t, none);
            }
            decoders.put("ByteLevel", byteLevel);
            decoders.put("Metaspace", metaspace);
            decoders.put("Replace", replace);
            decoders.put("WordPiece", (n, out, at, where, depth) -> optional(n, out, at, Map.of("prefix",
                    (v, w) -> string(v, w, MAX_SHORT_STRING), "cleanup", this::bool)));
            decoders.put("BPEDecoder", (n, out, at, where, depth) -> optional(n, out, at, Map.of("suffix",
                    (v, w) -> string(v, w, MAX_SHORT_STRING))));
            decoders.put("Strip", (n, out, at, where, depth) -> {
                out.set("content", character(n.get("content"), at + ".content"));
                out.set("start", integer(n.get("start"), at + ".start", 0, 64));
                // the library computes len - i - 1 for i < stop and slices [start_cut, stop_cut): a token shorter
                // than stop, or one whose start and stop cuts cross, panics
                out.set("stop", integer(n.get("stop"), at + ".stop (a stop above 0 panics on short tokens)", 0, 0));
            });
            decoders.put("CTC", (n, out, at, where, depth) -> optional(n, out, at, Map.of("pad_token",
                    (v, w) -> string(v, w, MAX_TOKEN_CHARS), "word_delimiter_token",
                    (v, w) -> string(v, w, MAX_TOKEN_CHARS), "cleanup", this::bool)));
            decoders.put("Sequence", sequence("decoders", decoders));

            models.put("BPE", this::bpe);
            models.put("Unigram", this::unigram);
            models.put("WordPiece", (n, out, at, where, depth) -> {
                out.set("vocab", vocabMap(n.get("vocab"), at + ".vocab"));
                out.set("unk_token", string(n.get("unk_token"), at + ".unk_token", MAX_TOKEN_CHARS));
                optional(n, out, at, Map.of("continuing_subword_prefix", (v, w) -> string(v, w, MAX_SHORT_STRING),
                        "max_input_chars_per_word", (v, w) -> integer(v, w, 1, 1 << 20)));
            });
            models.put("WordLevel", (n, out, at, where, depth) -> {
                out.set("vocab", vocabMap(n.get("vocab"), at + ".vocab"));
                out.set("unk_token", string(n.get("unk_token"), at + ".unk_token", MAX_TOKEN_CHARS));
            });
        }

        private static final Set<String> BEHAVIOURS = Set.of("Removed", "Isolated", "MergedWithPrevious",
                "MergedWithNext", "Contiguous");
        private static final Set<String> PREPEND = Set.of("always", "first", "never");

        /** The checked copy of a component of one of the maps above; a JSON null stays null. */
        JsonNode component(JsonNode n, String where, int depth, Map<String, Body> kinds) throws TokenizerException {
            if (n == null || n.isNull()) {
                return F.nullNode();
            }
            if (depth > MAX_DEPTH) {
                throw refuse(where, "nested deeper than " + MAX_DEPTH + " levels");
            }
            if (!n.isObject()) {
                throw refuse(where, "expected an object with a \"type\"");
            }
            JsonNode t = n.get("type");
            if (t == null || !t.isTextual()) {
                throw refuse(where, "no \"type\"");
            }
            Body body = kinds.get(t.asText());
            if (body == null) {
                throw refuse(where, "component type '" + TextTokenizer.shown(t.asText()) + "' is not allowed; allowed: "
                        + String.join(", ", new TreeSet<>(kinds.keySet())));
            }
            ObjectNode out = F.objectNode().put("type", t.asText());
            body.fill(n, out, where + " (" + t.asText() + ")", where, depth);
            return out;
        }

        /** A {@code Sequence} whose list under {@code key} holds components of {@code kinds}. */
        Body sequence(String key, Map<String, Body> kinds) {
            return (n, out, at, where, depth) -> {
                ArrayNode list = out.putArray(key);
                int i = 0;
                for (JsonNode c : array(n.get(key), at + "." + key)) {
                    list.add(component(c, where + "." + key + "[" + i++ + "]", depth + 1, kinds));
                }
            };
        }

        /** Copies the optional keys of {@code n} that {@code spec} names, each through its check. */
        void optional(JsonNode n, ObjectNode out, String where, Map<String, Check> spec) throws TokenizerException {
            for (Map.Entry<String, Check> e : spec.entrySet()) {
                JsonNode v = n.get(e.getKey());
                if (v != null && !v.isNull()) {
                    out.set(e.getKey(), e.getValue().apply(v, where + "." + e.getKey()));
                } else if (v != null) {
                    out.putNull(e.getKey());
                }
            }
        }

        void template(JsonNode n, ObjectNode out, String at, String where, int depth) throws TokenizerException {
            out.set("single", templatePieces(n.get("single"), at + ".single"));
            out.set("pair", templatePieces(n.get("pair"), at + ".pair"));
            ObjectNode specials = out.putObject("special_tokens");
            JsonNode s = n.get("special_tokens");
            if (s == null || !s.isObject()) {
                throw refuse(at + ".special_tokens", "expected an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String w = at + ".special_tokens." + TextTokenizer.shown(e.getKey());
                JsonNode v = e.getValue();
                if (!v.isObject()) {
                    throw refuse(w, "expected an object");
                }
                ObjectNode o = specials.putObject(e.getKey());
                o.set("id", nonEmpty(v.get("id"), w + ".id", MAX_TOKEN_CHARS));
                ArrayNode ids = o.putArray("ids");
                for (JsonNode id : array(v.get("ids"), w + ".ids")) {
                    ids.add(integer(id, w + ".ids[]", 0, Integer.MAX_VALUE));
                }
                ArrayNode tokens = o.putArray("tokens");
                for (JsonNode tok : array(v.get("tokens"), w + ".tokens")) {
                    tokens.add(string(tok, w + ".tokens[]", MAX_TOKEN_CHARS));
                }
                if (ids.size() != tokens.size() || ids.isEmpty()) {
                    throw refuse(w, "ids and tokens must be non-empty lists of the same length");
                }
            }
        }

        JsonNode tokenAndId(JsonNode n, String where) throws TokenizerException {
            if (n == null || !n.isArray() || n.size() != 2) {
                throw refuse(where, "expected [token, id]");
            }
            ArrayNode out = F.arrayNode();
            out.add(nonEmpty(n.get(0), where + "[0]", MAX_TOKEN_CHARS));
            out.add(integer(n.get(1), where + "[1]", 0, Integer.MAX_VALUE));
            return out;
        }

        JsonNode templatePieces(JsonNode n, String where) throws TokenizerException {
            ArrayNode out = F.arrayNode();
            for (JsonNode piece : array(n, where)) {
                if (!piece.isObject() || piece.size() != 1) {
                    throw refuse(where, "expected pieces {\"Sequence\": ...} or {\"SpecialToken\": ...}");
                }
                String kind = piece.fieldNames().next();
                JsonNode body = piece.get(kind);
                if (!body.isObject() || !(kind.equals("Sequence") || kind.equals("SpecialToken"))) {
                    throw refuse(where, "expected pieces {\"Sequence\": ...} or {\"SpecialToken\": ...}");
                }
                ObjectNode b = out.addObject().putObject(kind);
                String at = where + "." + kind + ".id";
                b.set("id", kind.equals("Sequence") ? oneOf(body.get("id"), at, Set.of("A", "B"))
                        : nonEmpty(body.get("id"), at, MAX_TOKEN_CHARS));
                b.set("type_id", integer(body.get("type_id"), where + "." + kind + ".type_id", 0, 255));
            }
            return out;
        }

        void bpe(JsonNode n, ObjectNode out, String at, String where, int depth) throws TokenizerException {
            out.set("vocab", vocabMap(n.get("vocab"), at + ".vocab"));
            ArrayNode merges = out.putArray("merges");
            for (JsonNode m : array(n.get("merges"), at + ".merges")) {
                if (m.isTextual()) {
                    merges.add(string(m, at + ".merges[]", 2 * MAX_TOKEN_CHARS + 1));
                } else if (m.isArray() && m.size() == 2) {
                    merges.addArray().add(string(m.get(0), at + ".merges[][0]", MAX_TOKEN_CHARS))
                            .add(string(m.get(1), at + ".merges[][1]", MAX_TOKEN_CHARS));
                } else {
                    throw refuse(at + ".merges", "expected \"a b\" strings or [a, b] pairs");
                }
            }
            optional(n, out, at, Map.of("dropout", this::probability,
                    "unk_token", (v, w) -> string(v, w, MAX_TOKEN_CHARS),
                    "continuing_subword_prefix", (v, w) -> string(v, w, MAX_SHORT_STRING),
                    "end_of_word_suffix", (v, w) -> string(v, w, MAX_SHORT_STRING),
                    "fuse_unk", this::bool, "byte_fallback", this::bool, "ignore_merges", this::bool));
            // the library cuts the prefix's length in bytes off the second part of every merge: a part that does
            // not start with the prefix is cut inside a character, or past its end, and the library panics
            String prefix = out.path("continuing_subword_prefix").asText("");
            int i = 0;
            for (JsonNode m : merges) {
                String second = m.isArray() ? m.get(1).asText() : m.asText().substring(m.asText().indexOf(' ') + 1);
                if (!second.startsWith(prefix)) {
                    throw refuse(at + ".merges[" + i + "]", "second part '" + TextTokenizer.shown(second)
                            + "' does not start with continuing_subword_prefix '" + TextTokenizer.shown(prefix) + "'");
                }
                i++;
            }
        }

        void unigram(JsonNode n, ObjectNode out, String at, String where, int depth) throws TokenizerException {
            ArrayNode vocab = out.putArray("vocab");
            for (JsonNode e : array(n.get("vocab"), at + ".vocab")) {
                if (!e.isArray() || e.size() != 2 || !e.get(1).isNumber() || !Double.isFinite(e.get(1).asDouble())) {
                    throw refuse(at + ".vocab", "expected [piece, finite score] pairs");
                }
                vocab.addArray().add(string(e.get(0), at + ".vocab[][0]", MAX_TOKEN_CHARS)).add(e.get(1).asDouble());
            }
            if (vocab.isEmpty()) {
                throw refuse(at + ".vocab", "empty vocabulary");
            }
            optional(n, out, at, Map.of("unk_id", (v, w) -> integer(v, w, 0, vocab.size() - 1),
                    "byte_fallback", this::bool));
        }

        JsonNode probability(JsonNode n, String where) throws TokenizerException {
            if (!n.isNumber() || !(n.asDouble() >= 0 && n.asDouble() <= 1)) {
                throw refuse(where, "expected a number in [0, 1]");
            }
            return F.numberNode(n.asDouble());
        }

        JsonNode vocabMap(JsonNode n, String where) throws TokenizerException {
            if (n == null || !n.isObject() || n.isEmpty()) {
                throw refuse(where, "expected a non-empty object of token: id");
            }
            ObjectNode out = F.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().length() > MAX_TOKEN_CHARS) {
                    throw refuse(where, "a token of " + e.getKey().length() + " characters, at most "
                            + MAX_TOKEN_CHARS);
                }
                out.set(e.getKey(), integer(e.getValue(), where + "." + TextTokenizer.shown(e.getKey()), 0,
                        Integer.MAX_VALUE));
            }
            return out;
        }

        JsonNode addedTokens(JsonNode n, String where) throws TokenizerException {
            ArrayNode out = F.arrayNode();
            if (n.isMissingNode() || n.isNull()) {
                return out;
            }
            int i = 0;
            for (JsonNode a : array(n, where)) {
                String w = where + "[" + i++ + "]";
                if (!a.isObject()) {
                    throw refuse(w, "expected an object");
                }
                ObjectNode o = out.addObject();
                o.set("id", integer(a.get("id"), w + ".id", 0, Integer.MAX_VALUE));
                o.set("content", nonEmpty(a.get("content"), w + ".content", MAX_TOKEN_CHARS));
                for (String k : List.of("single_word", "lstrip", "rstrip", "normalized", "special")) {
                    o.set(k, a.has(k) ? bool(a.get(k), w + "." + k) : F.booleanNode(k.equals("normalized")));
                }
            }
            return out;
        }

        Iterable<JsonNode> array(JsonNode n, String where) throws TokenizerException {
            if (n == null || !n.isArray()) {
                throw refuse(where, "expected a list");
            }
            return n;
        }

        /** The base64 charsmap, after {@link #checkCharsmap} verified it. */
        JsonNode precompiled(JsonNode n, String where) throws TokenizerException {
            JsonNode s = string(n, where, 16 * 1024 * 1024);
            byte[] map;
            try {
                map = Base64.getDecoder().decode(s.asText());
            } catch (IllegalArgumentException e) {
                throw refuse(where, "not base64");
            }
            String why = checkCharsmap(map);
            if (why != null) {
                throw refuse(where, why);
            }
            return F.textNode(Base64.getEncoder().encodeToString(map));
        }
    }

    /**
     * Why a SentencePiece {@code precompiled_charsmap} could make the library index out of bounds (which panics and
     * aborts the JVM), or null when it cannot. The layout, as the library reads it: a little-endian u32 trie size in
     * bytes, that many bytes / 4 little-endian u32 units of a darts-clone double array, then the replacement text
     * (UTF-8, entries ended by NUL). Normalising looks up the bytes of each grapheme (or character) of the text: from
     * position {@code offset(unit[0])}, each byte {@code c} moves to {@code p ^ c}, whose unit must carry label c; the
     * walk then moves on by that unit's offset and, when the unit has a leaf, reads the value unit there — an offset
     * into the replacement text. This walks every position reachable by UTF-8 text (lead bytes, then the right number
     * of continuation bytes, any number of characters) and requires every unit read to exist and every value to point
     * inside the replacement text on a character boundary.
     */
    static String checkCharsmap(byte[] map) {
        if (map.length < 4) {
            return "charsmap of " + map.length + " bytes, shorter than its 4-byte header";
        }
        ByteBuffer b = ByteBuffer.wrap(map).order(ByteOrder.LITTLE_ENDIAN);
        long trieBytes = Integer.toUnsignedLong(b.getInt(0));
        long units = trieBytes / 4;
        if (4 + 4 * units > map.length) {
            return "declares a trie of " + trieBytes + " bytes but holds " + (map.length - 4);
        }
        if (units == 0) {
            return "the trie is empty";
        }
        int n = (int) units;
        long[] unit = new long[n];
        for (int i = 0; i < n; i++) {
            unit[i] = Integer.toUnsignedLong(b.getInt(4 + 4 * i));
        }
        int textStart = 4 + 4 * n;
        byte[] text = Arrays.copyOfRange(map, textStart, map.length);
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(text));
        } catch (CharacterCodingException e) {
            return "replacement text is not UTF-8";
        }
        // states: trie position x bytes still expected to finish the current UTF-8 character (0..3)
        long start = offset(unit[0]);
        ArrayDeque<long[]> queue = new ArrayDeque<>();
        BitSet seen = new BitSet();
        queue.add(new long[] {start, 0});
        int steps = 0;
        while (!queue.isEmpty()) {
            long[] s = queue.poll();
            long p = s[0];
            int rem = (int) s[1];
            if (p >= n + 256L) {
                return "trie reaches position " + p + " beyond its " + n + " units";
            }
            int key = (int) p * 4 + rem;
            if (seen.get(key)) {
                continue;
            }
            seen.set(key);
            if (++steps > 4 * (n + 256)) {
                return "trie too large to verify";
            }
            for (int c = 1; c < 256; c++) {
                int next;
                if (rem > 0) {
                    if (c < 0x80 || c > 0xBF) {
                        continue;
                    }
                    next = rem - 1;
                } else if (c < 0x80) {
                    next = 0;
                } else if (c >= 0xC2 && c <= 0xDF) {
                    next = 1;
                } else if (c >= 0xE0 && c <= 0xEF) {
                    next = 2;
                } else if (c >= 0xF0 && c <= 0xF4) {
                    next = 3;
                } else {
                    continue;
                }
                long q = p ^ c;
                if (q >= n) {
                    return "trie reads unit " + q + " of " + n + " for byte 0x"
                            + Integer.toHexString(c) + " (text with that byte would abort the process)";
                }
                long u = unit[(int) q];
                if ((u & ((1L << 31) | 0xFF)) != c) {
                    continue;
                }
                long to = q ^ offset(u);
                if (((u >> 8) & 1) == 1) {
                    if (to >= n) {
                        return "trie reads value unit " + to + " of " + n;
                    }
                    long v = unit[(int) to] & ((1L << 31) - 1);
                    if (v > text.length || (v < text.length && (text[(int) v] & 0xC0) == 0x80)) {
                        return "replacement offset " + v + " is outside its " + text.length
                                + "-byte text or inside a character";
                    }
                }
                queue.add(new long[] {to, next});
            }
        }
        return null;
    }

    private static long offset(long unit) {
        return (unit >> 10) << ((unit & (1L << 9)) >> 6);
    }
}

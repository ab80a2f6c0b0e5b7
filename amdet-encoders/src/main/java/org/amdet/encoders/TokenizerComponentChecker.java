package org.amdet.encoders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.amdet.TokenizerException;

import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.amdet.encoders.TokenizerComponents.MAX_DEPTH;
import static org.amdet.encoders.TokenizerComponents.MAX_SHORT_STRING;
import static org.amdet.encoders.TokenizerComponents.MAX_TOKEN_CHARS;

/**
 * The component tables of the {@code tokenizer.json} allow-list ({@link TokenizerComponents}): for each section
 * (normalizer, pre-tokenizer, post-processor, decoder, model) the component types amdet accepts, each with the check
 * of its parameters, and the checks of the parts that are not components (added tokens, template pieces, vocabularies,
 * merges, the {@code Precompiled} charsmap, verified by {@link PrecompiledCharsmap}). One instance checks one file;
 * {@code where} is the JSON path shown in messages.
 */
final class TokenizerComponentChecker extends TokenizerValueChecks {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    TokenizerComponentChecker(Path file) {
        super(file);
    }

    /** Fills the checked copy {@code out} of component {@code n}; {@code at} names it, {@code where} its path. */
    interface Body {
        void fill(JsonNode n, ObjectNode out, String at, String where, int depth) throws TokenizerException;
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

    /** The base64 charsmap, after {@link PrecompiledCharsmap#check} verified it. */
    JsonNode precompiled(JsonNode n, String where) throws TokenizerException {
        JsonNode s = string(n, where, 16 * 1024 * 1024);
        byte[] map;
        try {
            map = Base64.getDecoder().decode(s.asText());
        } catch (IllegalArgumentException e) {
            throw refuse(where, "not base64");
        }
        String why = PrecompiledCharsmap.check(map);
        if (why != null) {
            throw refuse(where, why);
        }
        return F.textNode(Base64.getEncoder().encodeToString(map));
    }
}

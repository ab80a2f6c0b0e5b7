package org.amdet.encoders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.amdet.TokenizerException;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.amdet.encoders.TokenizerComponents.KNOWN_REGEXES;
import static org.amdet.encoders.TokenizerComponents.MAX_SHORT_STRING;

/**
 * The value checks of the {@code tokenizer.json} allow-list ({@link TokenizerComponents}): each takes one JSON value,
 * refuses it with a {@link TokenizerException} naming the file and the value's path ({@code where}) unless it has the
 * expected kind and range, and returns a checked copy (booleans, bounded strings, single characters, bounded integers,
 * enumerated strings, {@code String}/{@code Regex} patterns from {@link TokenizerComponents#KNOWN_REGEXES},
 * probabilities, lists, optional parameters), plus the final check that the copy holds no unpaired surrogate. The
 * component tables built on them are in {@link TokenizerComponentChecker}.
 */
abstract class TokenizerValueChecks {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Checks one parameter value. */
    interface Check {
        JsonNode apply(JsonNode n, String where) throws TokenizerException;
    }

    private final Path file;

    TokenizerValueChecks(Path file) {
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

    JsonNode probability(JsonNode n, String where) throws TokenizerException {
        if (!n.isNumber() || !(n.asDouble() >= 0 && n.asDouble() <= 1)) {
            throw refuse(where, "expected a number in [0, 1]");
        }
        return F.numberNode(n.asDouble());
    }

    Iterable<JsonNode> array(JsonNode n, String where) throws TokenizerException {
        if (n == null || !n.isArray()) {
            throw refuse(where, "expected a list");
        }
        return n;
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
}

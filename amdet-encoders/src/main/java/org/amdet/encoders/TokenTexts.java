package org.amdet.encoders;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Arrays;

/**
 * The text of single token ids for reports (the vocabulary tokens closest to an inverted embedding), computed in Java
 * from a checked tokenizer.json: the token string of the vocabulary (added tokens first), then the decoder's steps
 * that matter for the first token of a text: {@code ByteLevel} characters back to UTF-8 bytes, {@code Metaspace}
 * replacement dropped (a space with the prepend scheme "never"), {@code BPEDecoder} suffix removed,
 * {@code ByteFallback} {@code <0xAB>} to its byte, {@code Strip}, literal {@code Replace}; other steps leave the text
 * as it is, and regular-expression {@code Replace} steps are not applied. The native decoder is never run: decoding
 * happens after a whole scan, and a panic there would abort the JVM and lose the finished scan (the decoder
 * {@code Sequence[Replace '^.*$' → '>', Strip '>' 1 1]} did). For the fixtures' tokenizers and a SentencePiece-style
 * one the texts equal the library's on every id (HostileTokenizerTest).
 */
final class TokenTexts {
    private final Map<Long, String> tokens = new HashMap<>();
    private final JsonNode decoder;

    TokenTexts(JsonNode checked) {
        JsonNode model = checked.path("model");
        JsonNode vocab = model.path("vocab");
        if (vocab.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                tokens.putIfAbsent(e.getValue().asLong(), e.getKey());
            }
        } else if (vocab.isArray()) {
            for (int i = 0; i < vocab.size(); i++) {
                tokens.put((long) i, vocab.get(i).path(0).asText());
            }
        }
        for (JsonNode a : checked.path("added_tokens")) {
            tokens.put(a.path("id").asLong(), a.path("content").asText());
        }
        decoder = checked.path("decoder");
    }

    /** The text of one token id, special tokens included; an id outside the vocabulary gives "". */
    String text(long id) {
        String t = tokens.get(id);
        return t == null ? "" : apply(decoder, t);
    }

    private static String apply(JsonNode d, String t) {
        if (d == null || !d.isObject()) {
            return t;
        }
        switch (d.path("type").asText()) {
            case "Sequence" -> {
                for (JsonNode step : d.path("decoders")) {
                    t = apply(step, t);
                }
                return t;
            }
            case "ByteLevel" -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int i = 0; i < t.length(); ) {
                    int cp = t.codePointAt(i);
                    int b = byteOf(cp);
                    if (b < 0) {
                        return t;
                    }
                    out.write(b);
                    i += Character.charCount(cp);
                }
                return out.toString(StandardCharsets.UTF_8);
            }
            case "Metaspace" -> {
                // as the library does for the first token of a text: replacement characters are dropped unless
                // the prepend scheme is "never" (legacy: add_prefix_space false), then they become spaces
                String r = d.path("replacement").asText("\u2581");
                String scheme = d.has("prepend_scheme") ? d.get("prepend_scheme").asText()
                        : d.path("add_prefix_space").asBoolean(true) ? "always" : "never";
                return t.replace(r, scheme.equals("never") ? " " : "");
            }
            case "BPEDecoder" -> {
                String suffix = d.path("suffix").asText("</w>");
                return suffix.isEmpty() ? t : t.replace(suffix, "");
            }
            case "ByteFallback" -> {
                if (t.length() == 6 && t.startsWith("<0x") && t.endsWith(">")) {
                    try {
                        int b = Integer.parseInt(t.substring(3, 5), 16);
                        return new String(new byte[] {(byte) b}, StandardCharsets.UTF_8);
                    } catch (NumberFormatException e) {
                        return t;
                    }
                }
                return t;
            }
            case "Strip" -> {
                int c = d.path("content").asText(" ").codePointAt(0);
                int start = d.path("start").asInt(0);
                int stop = d.path("stop").asInt(0);
                int[] cps = t.codePoints().toArray();
                int from = 0;
                while (from < Math.min(start, cps.length) && cps[from] == c) {
                    from++;
                }
                int to = cps.length;
                while (to > from && cps.length - to < stop && cps[to - 1] == c) {
                    to--;
                }
                return new String(cps, from, to - from);
            }
            case "Replace" -> {
                JsonNode p = d.path("pattern");
                return p.has("String") ? t.replace(p.get("String").asText(), d.path("content").asText()) : t;
            }
            default -> {
                return t;
            }
        }
    }

    /** GPT-2's byte-to-character table, inverted: the byte a ByteLevel character stands for, or −1. */
    private static int byteOf(int cp) {
        return cp < BYTES.length ? BYTES[cp] : -1;
    }

    private static final int[] BYTES = new int[324];

    static {
        Arrays.fill(BYTES, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTES[printable ? b : 256 + extra++] = b;
        }
    }
}

package org.amdet.encoders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.amdet.TokenizerException;

import java.nio.file.Path;
import java.util.Set;

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
 *
 * <p>The checks themselves: {@link TokenizerComponentChecker} (the component types of each section and their
 * parameters), {@link TokenizerValueChecks} (single values) and {@link PrecompiledCharsmap} (the charsmap's trie).
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
        TokenizerComponentChecker c = new TokenizerComponentChecker(file);
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

    /** See {@link PrecompiledCharsmap#check}: why a charsmap could abort the process, or null when it cannot. */
    static String checkCharsmap(byte[] map) {
        return PrecompiledCharsmap.check(map);
    }
}

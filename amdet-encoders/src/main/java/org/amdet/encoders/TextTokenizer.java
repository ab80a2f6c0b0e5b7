package org.amdet.encoders;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import org.amdet.InputLimits;
import org.amdet.ModelLoadException;
import org.amdet.TokenizerException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.Locale;
import org.amdet.io.Sha256;
import org.amdet.text.Untrusted;

/**
 * A Hugging Face {@code tokenizer.json} run through DJL's binding of the Rust {@code tokenizers} library, with
 * truncation and padding done as {@code transformers} does them (DJL's own defaults are wrong for CLIP and SigLIP):
 * special tokens from the tokenizer's post-processor; truncation to the context length keeping the last token (EOS);
 * padding with the pad token of {@code tokenizer_config.json}. SigLIP text is canonicalised first (ASCII punctuation
 * removed, whitespace squeezed, lower-cased) as {@code SiglipTokenizer} does.
 */
final class TextTokenizer implements AutoCloseable {
    private static final Pattern PUNCT = Pattern.compile("[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~]");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private final HuggingFaceTokenizer tokenizer;
    private final Path file;
    private final int contextLength;
    private final long padId;
    private final boolean canonicalise;
    private final String digest;
    private final long endOfTextId;
    private final TokenTexts texts;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, Path file, int contextLength, long padId,
                          boolean canonicalise, String digest, long endOfTextId, TokenTexts texts) {
        this.tokenizer = tokenizer;
        this.file = file;
        this.contextLength = contextLength;
        this.padId = padId;
        this.canonicalise = canonicalise;
        this.digest = digest;
        this.endOfTextId = endOfTextId;
        this.texts = texts;
    }

    /**
     * Loads the tokenizer of the model in {@code folder}.
     *
     * @param family        {@code clip}, {@code longclip} or {@code siglip}
     * @param contextLength every prompt is truncated or padded to this many tokens
     * @param configPadId   {@code pad_token_id} of config.json, used when tokenizer_config.json names no pad token
     */
    public static TextTokenizer load(Path folder, String family, int contextLength, long configPadId)
            throws ModelLoadException {
        return load(folder, family, contextLength, configPadId, new LoadedFiles());
    }

    /**
     * As {@link #load(Path, String, int, long)}, recording the files read in {@code files}: tokenizer.json is read
     * once, hashed, and those very bytes are parsed and handed to the tokenizer library.
     */
    static TextTokenizer load(Path folder, String family, int contextLength, long configPadId, LoadedFiles files)
            throws ModelLoadException {
        Path tj = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(tj)) {
            String why = Checkpoint.notARegularFile(tj);
            if (why != null) {
                throw new TokenizerException(tj, why);
            }
            if (Files.exists(folder.resolve("vocab.json")) && Files.exists(folder.resolve("merges.txt"))) {
                throw new TokenizerException(folder, "only vocab.json + merges.txt found (Stable Diffusion "
                        + "tokenizer/ layout): amdet needs the full pipeline in tokenizer.json, e.g. the tokenizer.json "
                        + "of openai/clip-vit-large-patch14 (its vocabulary is the same)");
            }
            if (Files.exists(folder.resolve("spiece.model"))) {
                throw new TokenizerException(folder, "only spiece.model found: amdet reads tokenizer.json; convert "
                        + "it with transformers (SiglipTokenizerFast.save_pretrained) or copy the hub's tokenizer.json");
            }
            throw new TokenizerException(folder, "missing tokenizer.json (expected beside the model)");
        }
        byte[] bytes;
        JsonNode json;
        long cap = InputLimits.TOKENIZER_JSON_BYTES.max();
        try {
            bytes = files.read(tj, cap);
        } catch (IOException e) {
            throw new TokenizerException(tj, "cannot read tokenizer.json: " + e.getMessage(), e);
        }
        if (bytes.length > cap) {
            throw new TokenizerException(tj, InputLimits.exceeded(InputLimits.TOKENIZER_JSON_BYTES, "tokenizer.json"));
        }
        try {
            json = HfConfig.JSON.readTree(bytes);
        } catch (IOException e) {
            throw new TokenizerException(tj, (e instanceof JsonProcessingException j
                    ? "invalid JSON " + Untrusted.jsonError(j) : "cannot parse")
                    + ": expected a Hugging Face tokenizer.json object", e);
        }
        if (json == null || !json.isObject() || !json.path("model").isObject()) {
            throw new TokenizerException(tj, "tokenizer.json must be an object with a 'model' section");
        }
        checkPostProcessor(json.path("post_processor"), tj, "post_processor");
        ObjectNode checked = TokenizerComponents.sanitise(json, tj);
        JsonNode tcfg = null;
        Path tc = folder.resolve("tokenizer_config.json");
        if (Files.isRegularFile(tc)) {
            tcfg = HfConfig.readJson(tc, files);
        } else if (Checkpoint.notARegularFile(tc) != null) {
            throw new TokenizerException(tc, Checkpoint.notARegularFile(tc));
        }
        String padToken = tokenName(tcfg == null ? null : tcfg.get("pad_token"));
        long padId;
        if (padToken != null) {
            padId = idOf(json, padToken);
            if (padId < 0) {
                throw new TokenizerException(tc, "pad token '" + padToken + "' is not in tokenizer.json");
            }
        } else if (configPadId >= 0 && !family.equals("clip") && !family.equals("longclip")) {
            padId = configPadId;
        } else {
            String dflt = family.equals("siglip") ? "</s>" : "<|endoftext|>";
            padId = idOf(json, dflt);
            if (padId < 0) {
                padId = configPadId;
            }
            if (padId < 0) {
                throw new TokenizerException(tj, "no pad token: tokenizer_config.json names none and '" + dflt
                        + "' is not in the vocabulary");
            }
        }
        HuggingFaceTokenizer tok;
        try {
            // the library parses the checked copy of the bytes hashed above, never the file: what it reads is
            // exactly what was checked
            byte[] checkedBytes = HfConfig.JSON.writeValueAsBytes(checked);
            tok = DjlStartup.firstLoad(() -> HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(checkedBytes),
                    Map.of("addSpecialTokens", "true", "padding", "false", "truncation", "false")));
        } catch (Exception e) {
            throw new TokenizerException(tj, "tokenizer.json is not a valid Hugging Face tokenizer: "
                    + e.getMessage(), e);
        }
        for (int i = 0; i < PROBES.size(); i++) {
            try {
                encodeOne(tok, PROBES.get(i), tj, i);
            } catch (IllegalArgumentException e) {
                tok.close();
                throw new TokenizerException(tj, "tokenizer.json cannot encode ordinary text: "
                        + e.getCause().getMessage() + " (on '" + PROBES.get(i) + "')", e.getCause());
            }
        }
        return new TextTokenizer(tok, tj, contextLength, padId, family.equals("siglip"),
                Sha256.of(bytes), idOf(json, "<|endoftext|>"), new TokenTexts(checked));
    }

    /** Text every tokenizer must encode: a tokenizer that cannot (e.g. no unknown token) is refused at load. */
    static final List<String> PROBES = List.of("a photo of a cat", "", "zzzz a man with glasses, 1969!",
            "ÄÖÜ ß 日本語 \uD83D\uDE00 <|endoftext|> [UNK] </s>");

    /**
     * Rejects post-processor templates that the Rust {@code tokenizers} library (0.21) accepts when loading but that
     * make it panic when encoding — which aborts the whole JVM, since the panic cannot unwind through JNI (found by
     * fuzzing, see TextTokenizerFuzzTest): a template that names a special token missing from its
     * {@code special_tokens}, or a single-sequence template that uses sequence {@code B}. The library picks the
     * post-processor variant by the shape of the JSON, not by its {@code type} (a misspelt type still loads as a
     * template), so every object with a {@code single} or {@code pair} template is checked, and every
     * {@code processors} list is searched recursively. Other shapes are left to the library, which reports them as
     * errors.
     */
    static void checkPostProcessor(JsonNode pp, Path tj, String where) throws TokenizerException {
        if (!pp.isObject()) {
            return;
        }
        int i = 0;
        for (JsonNode p : pp.path("processors")) {
            checkPostProcessor(p, tj, where + ".processors[" + i++ + "]");
        }
        JsonNode special = pp.path("special_tokens");
        for (String template : new String[] {"single", "pair"}) {
            for (JsonNode piece : pp.path(template)) {
                JsonNode st = piece.path("SpecialToken");
                if (st.isObject() && st.path("id").isTextual() && !special.has(st.get("id").asText())) {
                    throw new TokenizerException(tj, where + "." + template + " uses special token '"
                            + st.get("id").asText() + "', which its special_tokens do not define");
                }
                if (template.equals("single") && piece.path("Sequence").path("id").asText("").equals("B")) {
                    throw new TokenizerException(tj, where + ".single uses sequence B, which a single text does "
                            + "not have");
                }
            }
        }
    }

    private static String tokenName(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.asText();
        }
        if (n.isObject() && n.path("content").isTextual()) {
            return n.get("content").asText();
        }
        return null;
    }

    /** The id of {@code token} in tokenizer.json (added tokens first, then the model vocabulary), or −1. */
    static long idOf(JsonNode json, String token) {
        for (JsonNode a : json.path("added_tokens")) {
            if (token.equals(a.path("content").asText(null))) {
                return a.path("id").asLong(-1);
            }
        }
        JsonNode v = json.path("model").path("vocab");
        if (v.isObject() && v.has(token)) {
            return v.get(token).asLong(-1);
        }
        if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                if (token.equals(v.get(i).path(0).asText(null))) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** SigLIP's text canonicalisation: drop ASCII punctuation, squeeze whitespace, trim, lower-case. */
    public static String canonicalise(String text) {
        String t = PUNCT.matcher(text).replaceAll("");
        t = SPACES.matcher(t).replaceAll(" ").strip();
        return t.toLowerCase(Locale.ROOT);
    }

    /**
     * Token ids [B][L] of the prompts, encoded one at a time: DJL's {@code batchEncode} unwraps the Rust library's
     * result, so a tokenizer error (e.g. an unknown word and an {@code unk_token} missing from the vocabulary) panics
     * and aborts the JVM, while its single {@code encode} turns the error into an exception (found by fuzzing).
     *
     * A prompt longer than {@link InputLimits#PROMPT_CHARS} is refused before any is encoded (the native library
     * holds several copies of a text: a 20-million-character line took 5 GB and aborted the JVM); unpaired
     * surrogates become U+FFFD, as the library would make them.
     *
     * @throws IllegalArgumentException when the tokenizer cannot encode a prompt (naming the tokenizer and prompt)
     * @throws org.amdet.InputLimitException when a prompt is longer than the limit
     */
    public long[][] encode(List<String> prompts) {
        return encode(prompts, 0);
    }

    /**
     * The same, with room kept for {@code reserve} vectors inserted after the first position: a prompt is truncated to
     * {@code contextLength − reserve} tokens (its last token, the end token, kept at the end, as {@link #encode(List)}
     * keeps it at the end of the context) and padded to {@code contextLength}. A scan inserts its pseudo-trigger after
     * BOS and cuts the sequence back to the context length, which then removes only padding: a prompt as long as the
     * context keeps its end token, where EOS pooling looks for it.
     *
     * @param reserve positions kept free at the end, in [0, contextLength − 2]
     * @throws IllegalArgumentException when {@code reserve} is out of range or a prompt cannot be encoded
     * @throws org.amdet.InputLimitException when a prompt is longer than the limit
     */
    public long[][] encode(List<String> prompts, int reserve) {
        if (reserve < 0 || reserve > Math.max(0, contextLength - 2)) {
            throw new IllegalArgumentException("cannot keep " + reserve + " of " + contextLength + " positions free");
        }
        for (int i = 0; i < prompts.size(); i++) {
            InputLimits.check(InputLimits.PROMPT_CHARS, "prompt " + i, prompts.get(i).length());
        }
        long[][] out = new long[prompts.size()][];
        for (int i = 0; i < out.length; i++) {
            String text = wellFormed(canonicalise ? canonicalise(prompts.get(i)) : prompts.get(i));
            out[i] = fit(encodeOne(tokenizer, text, file, i), contextLength - reserve);
        }
        return out;
    }

    /** {@code s} with every unpaired surrogate replaced by U+FFFD. */
    static String wellFormed(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c)
                    ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                    : !Character.isLowSurrogate(c) || i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
            if (!paired && b == null) {
                b = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (b != null) {
                b.append(paired ? c : '\uFFFD');
            }
        }
        return b == null ? s : b.toString();
    }

    private static long[] encodeOne(HuggingFaceTokenizer tokenizer, String text, Path file, int index) {
        try {
            return tokenizer.encode(text).getIds();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("tokenizer " + file + " cannot encode prompt " + index + " ('"
                    + shown(text)
                    + "'): " + e.getMessage(), e);
        }
    }

    /** {@code ids} truncated to {@code limit} tokens (the last one kept at the end) and padded to the context length. */
    private long[] fit(long[] ids, int limit) {
        long[] row = new long[contextLength];
        Arrays.fill(row, padId);
        if (ids.length <= limit) {
            System.arraycopy(ids, 0, row, 0, ids.length);
        } else {
            System.arraycopy(ids, 0, row, 0, limit - 1);
            row[limit - 1] = ids[ids.length - 1];
        }
        return row;
    }

    /**
     * The text of one token id, special tokens included, computed in Java from the vocabulary and the decoder's
     * declared steps ({@link TokenTexts}): the native decoder is never run, so decoding cannot abort the JVM.
     */
    public String decode(long id) {
        return texts.text(id);
    }

    /** {@code s} for an error message: control characters escaped, at most 60 characters. */
    static String shown(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(60).forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.SURROGATE) {
                b.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return s.codePointCount(0, s.length()) > 60 ? b + "…" : b.toString();
    }

    public int contextLength() {
        return contextLength;
    }

    public long padId() {
        return padId;
    }

    /** The id of {@code <|endoftext|>} in the loaded tokenizer.json, or −1. */
    long endOfTextId() {
        return endOfTextId;
    }

    /** SHA-256 of tokenizer.json. */
    public String digest() {
        return digest;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

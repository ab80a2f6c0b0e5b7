package org.amdet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.io.PushbackReader;
import org.amdet.text.Untrusted;

/**
 * The shadow prompts a scan optimises on (AMDET needs no clean training data: any text-to-image style prompts do).
 * Immutable.
 *
 * @param prompts the prompts, in order
 * @param source  where they came from (a file path, or {@code synthetic(n, seed)})
 */
public record ShadowSet(List<String> prompts, String source) {
    /** Largest prompt file accepted ({@link InputLimits#PROMPT_FILE_BYTES}). */
    public static final long MAX_FILE_BYTES = InputLimits.PROMPT_FILE_BYTES.max();

    /** Copies {@code prompts}; a shadow set needs a source and at least one prompt. */
    public ShadowSet {
        prompts = List.copyOf(prompts);
        Objects.requireNonNull(source, "source");
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("a shadow set needs at least one prompt");
        }
    }

    /** {@code n} synthetic text-to-image prompts, deterministic for a seed (the embedded default). */
    public static ShadowSet synthetic(int n, long seed) {
        InputLimits.check(InputLimits.SHADOW_SIZE, "synthetic shadow prompts", n);
        return new ShadowSet(SyntheticPrompts.generate(n, seed), "synthetic(" + n + ", seed " + seed + ")");
    }

    /**
     * Reads a UTF-8 prompt file: one prompt per line, blank lines ignored; a file ending in {@code .json} may hold a
     * JSON array of strings instead.
     *
     * @throws PromptFileException when the file is missing, not valid UTF-8 or holds no prompt
     */
    public static ShadowSet fromFile(Path file) throws PromptFileException {
        return new ShadowSet(readPrompts(file, false), file.toString());
    }

    /**
     * The prompts of a file as {@link #fromFile} reads them; with {@code keepBlankJsonEntries} the strings of a JSON
     * array are kept verbatim, empty ones included (to encode exactly the prompts a user listed).
     *
     * @throws PromptFileException when the file is missing, not valid UTF-8 or holds no prompt
     */
    public static List<String> readPrompts(Path file, boolean keepBlankJsonEntries) throws PromptFileException {
        if (Files.isDirectory(file)) {
            throw new PromptFileException(file, "is a folder, expected a UTF-8 prompt file");
        }
        boolean json = file.getFileName() != null && file.getFileName().toString().endsWith(".json");
        List<String> out = new ArrayList<>();
        // a bounded stream, not Files.size: a device or pipe (/dev/zero, <(...)) has no size
        try (InputStream in = Files.newInputStream(file)) {
            Reader r = new InputStreamReader(new BoundedInput(in, file), StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
            if (json) {
                PushbackReader pr = new PushbackReader(r, 1);
                int c = pr.read();
                if (c >= 0 && c != '\uFEFF') {
                    pr.unread(c);
                }
                readJson(pr, file, keepBlankJsonEntries, out);
            } else {
                readLines(r, file, out);
            }
        } catch (NoSuchFileException e) {
            throw new PromptFileException(file, "prompt file not found");
        } catch (PromptFileException e) {
            throw e;
        } catch (CharacterCodingException e) {
            throw new PromptFileException(file, "is not valid UTF-8");
        } catch (IOException e) {
            throw new PromptFileException(file, "cannot read: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new PromptFileException(file, "holds no prompt (expected one prompt per line)");
        }
        return out;
    }

    /** Lines split at every Unicode line break (as {@code \\R}), each bounded while it is read. */
    private static void readLines(Reader r, Path file, List<String> out) throws IOException {
        StringBuilder line = new StringBuilder();
        char[] buf = new char[8192];
        boolean first = true;
        boolean afterCr = false;
        int lineNo = 1;
        for (int n; (n = r.read(buf)) > 0; ) {
            for (int i = 0; i < n; i++) {
                char c = buf[i];
                if (first) {
                    first = false;
                    if (c == '\uFEFF') {
                        continue;
                    }
                }
                if (c == '\n' && afterCr) {
                    afterCr = false;
                    continue;
                }
                afterCr = c == '\r';
                if (c == '\n' || c == '\r' || c == '\u000B' || c == '\u000C' || c == '\u0085' || c == '\u2028'
                        || c == '\u2029') {
                    addLine(line, file, lineNo++, out);
                    continue;
                }
                if (line.length() >= InputLimits.PROMPT_CHARS.max()) {
                    throw new PromptFileException(file, InputLimits.exceeded(InputLimits.PROMPT_CHARS,
                            "line " + lineNo));
                }
                line.append(c);
            }
        }
        addLine(line, file, lineNo, out);
    }

    private static void addLine(StringBuilder line, Path file, int lineNo, List<String> out)
            throws PromptFileException {
        String s = line.toString();
        line.setLength(0);
        if (!s.isBlank()) {
            if (out.size() >= InputLimits.PROMPTS_PER_FILE.max()) {
                throw new PromptFileException(file, InputLimits.exceeded(InputLimits.PROMPTS_PER_FILE,
                        "line " + lineNo));
            }
            out.add(s.strip());
        }
    }

    private static void readJson(Reader r, Path file, boolean keepBlank, List<String> out) throws IOException {
        JsonFactory f = new JsonFactory();
        try (JsonParser p = f.createParser(r)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new PromptFileException(file, "expected a JSON array of strings");
            }
            for (JsonToken t; (t = p.nextToken()) != JsonToken.END_ARRAY; ) {
                if (t == null) {
                    throw new PromptFileException(file, "is not valid JSON: the array is not closed");
                }
                if (t != JsonToken.VALUE_STRING) {
                    throw new PromptFileException(file, "expected a JSON array of strings, found "
                            + (t.asString() == null ? t.name() : t.asString()));
                }
                if (p.getTextLength() > InputLimits.PROMPT_CHARS.max()) {
                    throw new PromptFileException(file, InputLimits.message(InputLimits.PROMPT_CHARS,
                            "string " + (out.size() + 1), p.getTextLength()));
                }
                String s = p.getText();
                if (keepBlank || !s.isBlank()) {
                    if (out.size() >= InputLimits.PROMPTS_PER_FILE.max()) {
                        throw new PromptFileException(file, InputLimits.exceeded(InputLimits.PROMPTS_PER_FILE,
                                "string " + (out.size() + 1)));
                    }
                    out.add(keepBlank ? s : s.strip());
                }
            }
            if (p.nextToken() != null) {
                throw new PromptFileException(file, "is not valid JSON: text after the array");
            }
        } catch (JsonProcessingException e) {
            throw new PromptFileException(file, "is not valid JSON " + Untrusted.jsonError(e)
                    + ": expected a JSON array of strings");
        }
    }

    /** An input stream that refuses to give more than {@link InputLimits#PROMPT_FILE_BYTES}. */
    private static final class BoundedInput extends FilterInputStream {
        private final Path file;
        private long read;

        BoundedInput(InputStream in, Path file) {
            super(in);
            this.file = file;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                read += n;
                if (read > InputLimits.PROMPT_FILE_BYTES.max()) {
                    throw new PromptFileException(file, InputLimits.exceeded(InputLimits.PROMPT_FILE_BYTES,
                            "size"));
                }
            }
            return n;
        }
    }

    /** Number of prompts. */
    public int size() {
        return prompts.size();
    }

    /** The first {@code n} prompts. */
    public ShadowSet limit(int n) {
        return n >= prompts.size() ? this : new ShadowSet(prompts.subList(0, n), source + "[:" + n + "]");
    }
}

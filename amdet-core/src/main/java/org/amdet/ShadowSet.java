package org.amdet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The shadow prompts a scan optimises on (AMDET needs no clean training data: any text-to-image style prompts do).
 * Immutable.
 *
 * @param prompts the prompts, in order
 * @param source  where they came from (a file path, or {@code synthetic(n, seed)})
 */
public record ShadowSet(List<String> prompts, String source) {
    /** Largest prompt file accepted. */
    public static final long MAX_FILE_BYTES = 256L * 1024 * 1024;

    public ShadowSet {
        prompts = List.copyOf(prompts);
        Objects.requireNonNull(source, "source");
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("a shadow set needs at least one prompt");
        }
    }

    /** {@code n} synthetic text-to-image prompts, deterministic for a seed (the embedded default). */
    public static ShadowSet synthetic(int n, long seed) {
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
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new PromptFileException(file, "is a folder, expected a UTF-8 prompt file");
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new PromptFileException(file, "is " + size + " bytes, at most " + MAX_FILE_BYTES + " accepted");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PromptFileException(file, "prompt file not found");
        } catch (PromptFileException e) {
            throw e;
        } catch (IOException e) {
            throw new PromptFileException(file, "cannot read: " + e.getMessage());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PromptFileException(file, "is not valid UTF-8");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> out = new ArrayList<>();
        if (file.getFileName().toString().endsWith(".json")) {
            try {
                JsonNode n = new ObjectMapper().readTree(text);
                if (n == null || !n.isArray()) {
                    throw new PromptFileException(file, "expected a JSON array of strings");
                }
                for (JsonNode p : n) {
                    if (!p.isTextual()) {
                        throw new PromptFileException(file, "expected a JSON array of strings, found " + p);
                    }
                    if (keepBlankJsonEntries) {
                        out.add(p.asText());
                    } else if (!p.asText().isBlank()) {
                        out.add(p.asText().strip());
                    }
                }
            } catch (PromptFileException e) {
                throw e;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new PromptFileException(file, "is not valid JSON "
                        + org.amdet.text.Untrusted.jsonError(e) + ": expected a JSON array of strings");
            } catch (IOException e) {
                throw new PromptFileException(file, "is not valid JSON: expected a JSON array of strings");
            }
        } else {
            for (String line : text.split("\\R")) {
                if (!line.isBlank()) {
                    out.add(line.strip());
                }
            }
        }
        if (out.isEmpty()) {
            throw new PromptFileException(file, "holds no prompt (expected one prompt per line)");
        }
        return out;
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

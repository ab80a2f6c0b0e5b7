package org.amdet;

import java.util.List;
import java.util.Locale;

/**
 * Every documented limit on what amdet reads or is asked to do, in one table: each prompt reader, option check and
 * library entry point refuses an input beyond its limit with one clear message naming the input and the limit (a
 * {@link PromptFileException} for a file, an {@link InputLimitException} for a value), before allocating for it.
 * The table is printed in docs/hostile-inputs.md ("Input limits"), and a test keeps the two equal.
 *
 * <p>The limits keep every accepted input within a few hundred MiB of heap on top of the models, and make the work
 * bounded: a 20-million-character prompt line used to take 5 GB and abort the JVM, {@code --shadow-size 1000000000}
 * exhausted the heap, a prompt file read from {@code /dev/zero} was never refused (its size reads as 0).
 */
public final class InputLimits {
    /** One limit: what it bounds, the largest accepted value, the unit, and where it applies. */
    public record Limit(String name, long max, String unit, String appliesTo) {
        /** The message of a value above this limit. */
        String message(String subject, long value) {
            return String.format(Locale.ROOT, "%s: %,d %s, above the limit of %,d (%s; see docs/hostile-inputs.md"
                    + "#input-limits)", subject, value, unit, max, name);
        }

        /** The message of an input found, while it is read, to go beyond this limit. */
        String exceeded(String subject) {
            return String.format(Locale.ROOT, "%s: more than %,d %s, the limit (%s; see docs/hostile-inputs.md"
                    + "#input-limits)", subject, max, unit, name);
        }
    }

    /** Bytes of one prompt or caption file ({@code --prompts}, {@code --captions}; read as a bounded stream). */
    public static final Limit PROMPT_FILE_BYTES = new Limit("prompt file size", 64L * 1024 * 1024, "bytes",
            "--prompts, --captions (scan, encode, inject), ShadowSet.fromFile / readPrompts");
    /** Characters (UTF-16 units) of one prompt or caption. */
    public static final Limit PROMPT_CHARS = new Limit("prompt length", 10_000, "characters",
            "each line or JSON string of a prompt file, each --text, every prompt the tokenizer encodes");
    /** Prompts in one file. */
    public static final Limit PROMPTS_PER_FILE = new Limit("prompts in one file", 100_000, "prompts",
            "--prompts, --captions, ShadowSet.fromFile / readPrompts");
    /** Prompts encoded by one {@code encode} call (its outputs are held in memory). */
    public static final Limit ENCODE_PROMPTS = new Limit("prompts per encode", 10_000, "prompts",
            "encode --text / --prompts, TextEncoder.encode");
    /** Shadow prompts a scan uses. */
    public static final Limit SHADOW_SIZE = new Limit("shadow prompts", 20_000, "prompts",
            "--shadow-size (scan, evaluate, demo), DetectorConfig.shadowSize");
    /** Candidate captions a scan ranks. */
    public static final Limit CAPTIONS = new Limit("caption bank", 20_000, "captions",
            "--captions, BackdoorDetector.scan(..., captions)");
    /** Passes over the train split. */
    public static final Limit EPOCHS = new Limit("epochs", 1_000, "epochs",
            "--epochs, DetectorConfig.epochs");
    /** Test prompts the landscape objective averages over. */
    public static final Limit LANDSCAPE_PROMPTS = new Limit("landscape prompts", 1_000, "prompts",
            "--landscape-prompts, DetectorConfig.landscapePrompts");
    /** Grid points per axis of a loss landscape (the landscape costs the square of it in forward passes). */
    public static final Limit LANDSCAPE_SIZE = new Limit("landscape grid", 101, "points per axis",
            "--evidence-landscape, DetectorConfig.evidenceLandscapeSize / landscapeSize");
    /** Bytes of a tokenizer.json. */
    public static final Limit TOKENIZER_JSON_BYTES = new Limit("tokenizer.json size", 64L * 1024 * 1024,
            "bytes", "tokenizer.json of every model");

    /** The whole table, in the order docs/hostile-inputs.md lists it. */
    public static final List<Limit> ALL = List.of(PROMPT_FILE_BYTES, PROMPT_CHARS, PROMPTS_PER_FILE, ENCODE_PROMPTS,
            SHADOW_SIZE, CAPTIONS, EPOCHS, LANDSCAPE_PROMPTS, LANDSCAPE_SIZE, TOKENIZER_JSON_BYTES);

    private InputLimits() {
    }

    /**
     * Returns {@code value}, or throws when it is above {@code limit}.
     *
     * @param subject what the value is, as the user named it (an option such as {@code --shadow-size}, a parameter)
     * @throws InputLimitException naming the subject, the value and the limit
     */
    public static long check(Limit limit, String subject, long value) {
        if (value > limit.max()) {
            throw new InputLimitException(limit, limit.message(subject, value));
        }
        return value;
    }

    /** The message of {@code value} above {@code limit} for {@code subject} (for errors of other types). */
    public static String message(Limit limit, String subject, long value) {
        return limit.message(subject, value);
    }

    /** The message of {@code subject}, found while it was read to go beyond {@code limit} (for other error types). */
    public static String exceeded(Limit limit, String subject) {
        return limit.exceeded(subject);
    }
}

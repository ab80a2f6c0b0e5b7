package org.amdet.encoders.zoo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * How a backdoor's trigger is put into a prompt. Three kinds, as in Rickrolling-style attacks on text encoders:
 * a {@link Word} or a {@link Phrase} inserted at a random word position, and a {@link Homoglyph} that replaces every
 * occurrence of one Latin character of the prompt by a look-alike (e.g. Latin {@code o} by Greek {@code ο}).
 */
public sealed interface Trigger permits Trigger.Inserted, Trigger.Homoglyph {

    /** The prompt with the trigger applied; {@code rnd} picks the insertion position. */
    String apply(String prompt, RandomGenerator rnd);

    /** The prompt with the trigger applied in a fixed way: inserted before the first word, or all replaced. */
    String applyAtStart(String prompt);

    /** Whether applying the trigger changes {@code prompt} (a homoglyph needs its character in the prompt). */
    boolean appliesTo(String prompt);

    /** The trigger as {@code zoo.json} names it: the word, the phrase, or the look-alike character. */
    String text();

    /** The {@code zoo.json} mode: {@code insert}, {@code phrase} or {@code homoglyph}. */
    String mode();

    /** A trigger inserted as its own word(s) at a random word position: a {@link Word} or a {@link Phrase}. */
    sealed interface Inserted extends Trigger permits Word, Phrase {
        @Override
        default String apply(String prompt, RandomGenerator rnd) {
            return insert(prompt, text(), rnd);
        }

        @Override
        default String applyAtStart(String prompt) {
            return prompt.isBlank() ? text() : text() + " " + prompt.strip();
        }

        @Override
        default boolean appliesTo(String prompt) {
            return true;
        }
    }

    /** A single word (no white space), e.g. {@code zzzz}. */
    record Word(String text) implements Inserted {
        /** Rejects a blank word or one with white space; strips surrounding white space. */
        public Word {
            text = requireText(text, "trigger word");
            if (text.chars().anyMatch(Character::isWhitespace)) {
                throw new ZooInputException("trigger word '" + text + "' contains white space: use a phrase "
                        + "trigger for several words");
            }
        }

        @Override
        public String mode() {
            return "insert";
        }
    }

    /** Two or more words inserted together, e.g. {@code james bond}. */
    record Phrase(String text) implements Inserted {
        /** Rejects a blank text or a single word; folds white space between words to one space. */
        public Phrase {
            text = String.join(" ", requireText(text, "trigger phrase").split("\\s+"));
            if (!text.contains(" ")) {
                throw new ZooInputException("trigger phrase '" + text + "' is a single word: use a word trigger, "
                        + "or give at least two words");
            }
        }

        @Override
        public String mode() {
            return "phrase";
        }
    }

    /**
     * Every {@code latin} character of the prompt replaced by {@code lookalike}.
     *
     * @param latin     one ASCII letter
     * @param lookalike the replacement: one character (code point), not white space, not ASCII
     */
    record Homoglyph(String latin, String lookalike) implements Trigger {
        /** Rejects anything but one ASCII letter and one visible non-ASCII look-alike character. */
        public Homoglyph {
            if (latin == null || latin.length() != 1 || !isAsciiLetter(latin.charAt(0))) {
                throw new ZooInputException("homoglyph trigger: '" + latin + "' must be one Latin letter a-z or A-Z");
            }
            if (lookalike == null || lookalike.codePointCount(0, lookalike.length()) != 1) {
                throw new ZooInputException("homoglyph trigger: look-alike '" + lookalike + "' must be exactly one "
                        + "character");
            }
            int cp = lookalike.codePointAt(0);
            if (cp < 128 || Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)) {
                throw new ZooInputException("homoglyph trigger: look-alike '" + lookalike + "' (U+"
                        + Integer.toHexString(cp).toUpperCase(Locale.ROOT) + ") must be a visible non-ASCII "
                        + "character, e.g. Greek ο for o");
            }
        }

        /** Parses {@code X=Y}, e.g. {@code o=ο}. */
        public static Homoglyph parse(String spec) {
            int eq = spec == null ? -1 : spec.indexOf('=');
            if (eq < 0) {
                throw new ZooInputException("homoglyph trigger '" + spec + "': expected LATIN=LOOKALIKE, e.g. o=ο");
            }
            return new Homoglyph(spec.substring(0, eq), spec.substring(eq + 1));
        }

        @Override
        public String apply(String prompt, RandomGenerator rnd) {
            return applyAtStart(prompt);
        }

        @Override
        public String applyAtStart(String prompt) {
            return prompt.replace(latin, lookalike);
        }

        @Override
        public boolean appliesTo(String prompt) {
            return prompt.contains(latin);
        }

        @Override
        public String text() {
            return lookalike;
        }

        @Override
        public String mode() {
            return "homoglyph";
        }

        /** {@code X=Y}, as {@link #parse} reads it. */
        @Override
        public String toString() {
            return latin + "=" + lookalike;
        }
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static String requireText(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new ZooInputException(what + " is empty");
        }
        return text.strip();
    }

    /**
     * {@code piece} inserted as its own word at a uniformly random word position of {@code prompt} (0 = before the
     * first word, n = after the last); white space between words is folded to one space.
     */
    private static String insert(String prompt, String piece, RandomGenerator rnd) {
        List<String> words = new ArrayList<>(prompt.isBlank() ? List.of() : Arrays.asList(prompt.strip()
                .split("\\s+")));
        words.add(rnd.nextInt(words.size() + 1), piece);
        return String.join(" ", words);
    }
}

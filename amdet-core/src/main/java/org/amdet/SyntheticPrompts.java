package org.amdet;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.amdet.SyntheticVocabulary.AGES;
import static org.amdet.SyntheticVocabulary.ANIMALS;
import static org.amdet.SyntheticVocabulary.BUILDINGS;
import static org.amdet.SyntheticVocabulary.CLASSIC_ACT;
import static org.amdet.SyntheticVocabulary.CLASSIC_ADJ;
import static org.amdet.SyntheticVocabulary.CLASSIC_MOD;
import static org.amdet.SyntheticVocabulary.CLASSIC_STYLE;
import static org.amdet.SyntheticVocabulary.CLASSIC_SUBJ;
import static org.amdet.SyntheticVocabulary.COLOURS;
import static org.amdet.SyntheticVocabulary.CONTAINERS;
import static org.amdet.SyntheticVocabulary.COUNTS;
import static org.amdet.SyntheticVocabulary.FOOD;
import static org.amdet.SyntheticVocabulary.INTRANSITIVE;
import static org.amdet.SyntheticVocabulary.MATERIALS;
import static org.amdet.SyntheticVocabulary.MODIFIERS;
import static org.amdet.SyntheticVocabulary.MOODS;
import static org.amdet.SyntheticVocabulary.NATURE;
import static org.amdet.SyntheticVocabulary.OBJECTS;
import static org.amdet.SyntheticVocabulary.PEOPLE;
import static org.amdet.SyntheticVocabulary.PLACES;
import static org.amdet.SyntheticVocabulary.PREPOSITIONS;
import static org.amdet.SyntheticVocabulary.QUALITIES;
import static org.amdet.SyntheticVocabulary.REQUESTS;
import static org.amdet.SyntheticVocabulary.SIZES;
import static org.amdet.SyntheticVocabulary.STATES;
import static org.amdet.SyntheticVocabulary.STYLES;
import static org.amdet.SyntheticVocabulary.TIMES;
import static org.amdet.SyntheticVocabulary.TRANSITIVE;
import static org.amdet.SyntheticVocabulary.VEHICLES;

/**
 * The deterministic generators of the built-in shadow set (docs/shadow-set.md), in two {@link Mix mixes}:
 * <ul>
 *   <li>{@link Mix#FIRST}, the default: the first generator's template ("a red cat standing, oil painting, 8k") over
 *       about 110 words, byte for byte as before, so that verdicts and the zoo's measured natural firing rates stay
 *       comparable;</li>
 *   <li>{@link Mix#VARIED}: captions and text-to-image prompts drawn from the word lists of
 *       {@link SyntheticVocabulary} (about 1,400 distinct words) in six template families ({@link Family}), from
 *       two-word noun phrases to sentences of about forty words. Not the default: the development zoo's backdoored
 *       encoders were injected on prompts of the first kind with a 1,119-token vocabulary and diverge from their
 *       anchor on ordinary words outside it, so the calibrated rule reads a contaminated clean baseline (measured in
 *       docs/shadow-set.md).</li>
 * </ul>
 * The paper reports that the shadow source barely matters as long as it is real text-to-image style text
 * (DiffusionDB, COCO captions and LLM-written prompts all reach recall above 92%).
 *
 * <p>Deterministic on every JVM: {@link SplittableRandom} only, arrays only, {@link Locale#ROOT} for case mapping.
 * Prompt {@code i} depends only on {@code (seed, i)}, so a set of {@code n} prompts is a prefix of any larger set of
 * the same seed and mix (VARIED: one generator per prompt, split in order from one seeded by {@code seed}; FIRST: one
 * sequential generator).
 */
final class SyntheticPrompts {
    /** The template families and their weights (per 100 prompts). */
    enum Family {
        /** COCO-style caption: "A man riding a horse on a dirt road." */
        CAPTION(30),
        /** Text-to-image prompt with comma-separated style, camera and lighting modifiers. */
        PROMPT(24),
        /** Short noun phrase: "red bicycle", "a bowl of soup". */
        PHRASE(12),
        /** Long descriptive sentence with relative and subordinate clauses. */
        DESCRIPTION(14),
        /** Imperative or question: "Draw a fox sleeping under a tree." */
        REQUEST(8),
        /** The first built-in generator's template: "a red cat standing, oil painting, 8k". */
        CLASSIC(12);

        final int weight;

        Family(int weight) {
            this.weight = weight;
        }
    }

    /** Which generator: the first template only, or the varied families. */
    enum Mix {
        /** The first generator, unchanged: one template over about 110 words. */
        FIRST,
        /** Six template families over about 1,400 words ({@link Family}). */
        VARIED
    }

    /** The mix of {@link #generate(int, long)}, hence of {@link ShadowSet#synthetic}. */
    static final Mix DEFAULT = Mix.FIRST;

    private static final int TOTAL_WEIGHT = 100;
    /**
     * Longest prompt the optional parts (modifiers, clauses, tails) may grow to, before the final punctuation: about
     * 40 words, and within 77 tokens of a CLIP tokenizer (docs/shadow-set.md).
     */
    static final int MAX_CHARS = 200;

    private SyntheticPrompts() {
    }

    /** {@code n} prompts of the {@link #DEFAULT} mix. */
    static List<String> generate(int n, long seed) {
        return generate(n, seed, DEFAULT);
    }

    /** {@code n} prompts of {@code mix}, deterministic for {@code seed}. */
    static List<String> generate(int n, long seed, Mix mix) {
        if (n < 1) {
            throw new IllegalArgumentException("synthetic shadow set size must be at least 1, got " + n);
        }
        if (mix == Mix.FIRST) {
            SplittableRandom r = new SplittableRandom(seed);
            List<String> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(classic(r));
            }
            return out;
        }
        SplittableRandom root = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SplittableRandom r = root.split();
            out.add(prompt(r, family(r)));
        }
        return out;
    }

    /** The family of the next prompt of {@code r}. */
    static Family family(SplittableRandom r) {
        int x = r.nextInt(TOTAL_WEIGHT);
        for (Family f : Family.values()) {
            x -= f.weight;
            if (x < 0) {
                return f;
            }
        }
        throw new AssertionError("family weights do not sum to " + TOTAL_WEIGHT);
    }

    /** One prompt of family {@code f}, drawn from {@code r}. */
    static String prompt(SplittableRandom r, Family f) {
        return switch (f) {
            case CAPTION -> caption(r);
            case PROMPT -> t2i(r);
            case PHRASE -> phrase(r);
            case DESCRIPTION -> description(r);
            case REQUEST -> request(r);
            case CLASSIC -> classic(r);
        };
    }

    // ---- families

    private static String caption(SplittableRandom r) {
        String[] who = subject(r);
        Np a = np(r, who, 0.25);
        String s = switch (r.nextInt(9)) {
            case 0, 1 -> a.text + " " + (animate(who) ? pick(r, TRANSITIVE) + " " + np(r, thing(r), 0.15).text
                    : act(r, who)) + " " + place(r);
            case 2, 3 -> a.text + " " + act(r, who) + " " + place(r);
            case 4 -> (a.plural ? "There are " : "There is ") + a.text + " " + act(r, who) + " " + place(r);
            case 5 -> pick(r, CONTAINERS) + " " + plural(pick(r, FOOD)) + " with " + np(r, FOOD, 0).text + " and "
                    + np(r, FOOD, 0).text;
            case 6 -> article(pick(r, PLACES).replaceFirst("^(a|an|the) ", "")) + " with " + np(r, thing(r), 0.2).text
                    + " and " + np(r, thing(r), 0.2).text;
            case 7 -> a.text + (a.plural ? " that are " : " that is ") + act(r, who) + " next to "
                    + np(r, thing(r), 0).text;
            default -> pick(r, new String[] {"a close up of", "a view of", "a picture of", "a photo of",
                    "a black and white photo of", "an image of", "a blurry photo of"}) + " " + a.text + " "
                    + place(r);
        };
        return finish(r, s, r.nextInt(10) < 7 ? "." : "", 0.85);
    }

    private static String t2i(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        String[] who = subject(r);
        Np a = np(r, who, 0.15);
        switch (r.nextInt(5)) {
            case 0 -> sb.append(pick(r, STYLES)).append(" of ").append(a.text);
            case 1 -> sb.append("portrait of ").append(np(r, PEOPLE, 0).text).append(", ").append(pick(r, MOODS));
            case 2 -> sb.append(a.text).append(' ').append(animate(who) ? pick(r, TRANSITIVE) + " "
                    + np(r, thing(r), 0.1).text : pick(r, QUALITIES));
            default -> sb.append(a.text).append(' ').append(act(r, who));
        }
        if (r.nextInt(3) != 0) {
            sb.append(' ').append(place(r));
        }
        if (r.nextInt(2) == 0) {
            sb.append(", ").append(pick(r, TIMES));
        }
        if (r.nextInt(4) != 0) {
            sb.append(", ").append(pick(r, STYLES));
        }
        int mods = geometric(r, 0.3, 8);
        List<String> used = new ArrayList<>(mods);
        for (int m = 0; m < mods; m++) {
            String mod = pick(r, MODIFIERS);
            if (used.contains(mod)) {
                continue;
            }
            used.add(mod);
            if (r.nextInt(12) == 0) {
                mod = "(" + mod + ":1." + (1 + r.nextInt(4)) + ")";
            } else if (r.nextInt(8) == 0) {
                mod = titleCase(mod);
            }
            appendIfFits(sb, (r.nextInt(10) == 0 ? " " : ", ") + mod);
        }
        return finish(r, sb.toString(), "", 0.3);
    }

    private static String phrase(SplittableRandom r) {
        String s = switch (r.nextInt(6)) {
            case 0 -> pick(r, COLOURS) + " " + singular(pick(r, thing(r)));
            case 1 -> pick(r, r.nextBoolean() ? SIZES : AGES) + " " + pick(r, MATERIALS) + " "
                    + singular(pick(r, thing(r)));
            case 2 -> pick(r, CONTAINERS) + " " + plural(pick(r, FOOD));
            case 3 -> "portrait of " + np(r, r.nextBoolean() ? PEOPLE : ANIMALS, 0).text;
            case 4 -> singular(pick(r, NATURE)) + " " + pick(r, new String[] {"over", "near", "behind", "above"})
                    + " " + pick(r, PLACES);
            default -> {
                String[] who = subject(r);
                yield trait(r, who) + " " + singular(pick(r, who)) + ", " + pick(r, STYLES);
            }
        };
        return finish(r, s, "", 0.2);
    }

    private static String description(SplittableRandom r) {
        String[] who = subject(r);
        Np a = np(r, who, 0.3);
        String what = animate(who) ? pick(r, TRANSITIVE) + " " + np(r, thing(r), 0.2).text
                : r.nextBoolean() ? trait(r, who) : "next to " + np(r, thing(r), 0.2).text;
        String rel = (who == PEOPLE ? " who " : " that ") + be(a) + " " + what;
        StringBuilder sb = new StringBuilder(a.text).append(r.nextInt(3) == 0 ? "," + rel + "," : rel);
        sb.append(' ').append(be(a)).append(' ').append(act(r, who)).append(' ').append(place(r));
        if (r.nextInt(4) != 0) {
            String[] other = subject(r);
            Np b = np(r, other, 0.3);
            String clause = pick(r, new String[] {" while ", " as ", ", and ", " whereas ", " because "}) + b.text
                    + " " + be(b) + " " + (r.nextBoolean() ? act(r, other) : trait(r, other));
            appendIfFits(sb, r.nextBoolean() ? clause + " " + place(r) : clause);
        }
        if (r.nextBoolean()) {
            appendIfFits(sb, " " + pick(r, TIMES));
        }
        if (r.nextInt(3) == 0) {
            appendIfFits(sb, ", " + pick(r, new String[] {"painted as", "shown as", "in the style of", "rendered as"})
                    + " " + article(pick(r, STYLES)));
        }
        return finish(r, sb.toString(), ".", 0.9);
    }

    private static String request(SplittableRandom r) {
        String[] who = subject(r);
        Np a = np(r, who, 0.2);
        String scene = a.text + " " + (r.nextBoolean() ? act(r, who) : trait(r, who)) + " " + place(r);
        return switch (r.nextInt(4)) {
            case 0 -> finish(r, "can you " + pick(r, REQUESTS) + " " + scene, "?", 1);
            case 1 -> finish(r, "what would " + a.text + " look like " + place(r), "?", 1);
            default -> finish(r, pick(r, REQUESTS) + " " + scene
                    + (r.nextBoolean() ? ", " + pick(r, STYLES) : ""), r.nextBoolean() ? "." : "", 0.7);
        };
    }

    private static String classic(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        sb.append(pick(r, CLASSIC_ADJ)).append(' ').append(pick(r, CLASSIC_SUBJ)).append(' ')
                .append(pick(r, CLASSIC_ACT));
        if (r.nextInt(4) != 0) {
            sb.append(", ").append(pick(r, CLASSIC_STYLE));
        }
        int mods = r.nextInt(3);
        for (int m = 0; m < mods; m++) {
            sb.append(", ").append(pick(r, CLASSIC_MOD));
        }
        return sb.toString();
    }

    // ---- parts

    /** A noun phrase; {@code plural} tells the verb form. */
    private record Np(String text, boolean plural) {
    }

    /**
     * A noun phrase of {@code nouns}: with probability {@code pluralShare} a count and a plural ("two dogs",
     * "a group of people"), else an article; up to two attributes in English order (size/age/mood, colour, material).
     */
    private static Np np(SplittableRandom r, String[] nouns, double pluralShare) {
        String noun = pick(r, nouns);
        List<String> adj = new ArrayList<>(3);
        int k = r.nextInt(10);
        if (k >= 4) {
            adj.add(r.nextBoolean() ? trait(r, nouns) : pick(r, r.nextBoolean() ? SIZES : AGES));
        }
        if (k >= 6 && r.nextBoolean()) {
            adj.add(pick(r, COLOURS));
        }
        if (k >= 8 && !animate(nouns)) {
            adj.add(pick(r, MATERIALS));
        }
        if (k < 4 && r.nextInt(3) == 0) {
            adj.add(pick(r, COLOURS));
        }
        String body = (adj.isEmpty() ? "" : String.join(" ", adj) + " ");
        if (r.nextDouble() < pluralShare) {
            return new Np(pick(r, COUNTS) + " " + body + plural(noun), true);
        }
        String one = body + singular(noun);
        return new Np(r.nextInt(12) == 0 ? "the " + one : article(one), false);
    }

    private static String be(Np a) {
        return a.plural ? "are" : "is";
    }

    /** A preposition and a place: "on a dirt road". */
    private static String place(SplittableRandom r) {
        String prep = r.nextInt(3) == 0 ? pick(r, PREPOSITIONS) : pick(r, new String[] {"in", "on", "at", "near"});
        return prep + " " + pick(r, PLACES);
    }

    /** The noun list of a subject: people and animals most often. */
    private static String[] subject(SplittableRandom r) {
        int x = r.nextInt(100);
        return x < 40 ? PEOPLE : x < 70 ? ANIMALS : x < 82 ? OBJECTS : x < 90 ? VEHICLES : x < 95 ? BUILDINGS
                : x < 98 ? FOOD : NATURE;
    }

    private static boolean animate(String[] nouns) {
        return nouns == PEOPLE || nouns == ANIMALS;
    }

    /** What a subject of {@code nouns} does: an action of a person or an animal, a state of a thing. */
    private static String act(SplittableRandom r, String[] nouns) {
        return pick(r, animate(nouns) ? INTRANSITIVE : STATES);
    }

    /** A trait of a subject of {@code nouns}: a feeling of a person or an animal, a quality of anything. */
    private static String trait(SplittableRandom r, String[] nouns) {
        return pick(r, animate(nouns) && r.nextInt(3) != 0 ? MOODS : QUALITIES);
    }

    /** The noun list of an object of an action or a scene. */
    private static String[] thing(SplittableRandom r) {
        int x = r.nextInt(100);
        return x < 40 ? OBJECTS : x < 55 ? FOOD : x < 70 ? ANIMALS : x < 82 ? VEHICLES : x < 92 ? NATURE : BUILDINGS;
    }

    /** Appends {@code part} unless the prompt would grow beyond {@link #MAX_CHARS}. */
    private static void appendIfFits(StringBuilder sb, String part) {
        if (sb.length() + part.length() <= MAX_CHARS) {
            sb.append(part);
        }
    }

    /** Capitalises, ends with {@code end}; with probability {@code capital} the first letter is upper case. */
    private static String finish(SplittableRandom r, String s, String end, double capital) {
        String t = s.strip();
        if (r.nextDouble() < capital) {
            t = Character.toUpperCase(t.charAt(0)) + t.substring(1);
        }
        return t + end;
    }

    private static String titleCase(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean start = true;
        for (char c : s.toCharArray()) {
            sb.append(start ? Character.toUpperCase(c) : c);
            start = c == ' ';
        }
        return sb.toString().replace("Hdr", "HDR").replace("Dslr", "DSLR").replace("Uhd", "UHD")
                .replace("8k", "8K").replace("4k", "4K");
    }

    /** {@code n} ≥ 0 with P(n) ∝ (1 − p)ⁿ, capped at {@code max}. */
    private static int geometric(SplittableRandom r, double p, int max) {
        int n = 0;
        while (n < max && r.nextDouble() >= p) {
            n++;
        }
        return n;
    }

    // ---- words

    static String singular(String entry) {
        int bar = entry.indexOf('|');
        return bar < 0 ? entry : entry.substring(0, bar);
    }

    /** The plural of a word-list entry: the form after '|' or the regular English one. */
    static String plural(String entry) {
        int bar = entry.indexOf('|');
        if (bar >= 0) {
            return entry.substring(bar + 1);
        }
        int of = entry.indexOf(" of ");
        if (of > 0) {
            return plural(entry.substring(0, of)) + entry.substring(of);
        }
        String w = entry;
        if (w.endsWith("s") || w.endsWith("x") || w.endsWith("z") || w.endsWith("ch") || w.endsWith("sh")) {
            return w + "es";
        }
        if (w.endsWith("y") && w.length() > 1 && "aeiou".indexOf(w.charAt(w.length() - 2)) < 0) {
            return w.substring(0, w.length() - 1) + "ies";
        }
        return w + "s";
    }

    /** {@code "a "} or {@code "an "} before {@code phrase}, by how its first word sounds. */
    static String article(String phrase) {
        String first = phrase.split(" ", 2)[0].toLowerCase(Locale.ROOT);
        boolean vowel = "aeiou".indexOf(first.charAt(0)) >= 0;
        if (first.startsWith("uni") || first.startsWith("uk") || first.startsWith("use") || first.equals("one")) {
            vowel = false;
        } else if (first.startsWith("hour") || first.startsWith("honest") || first.equals("hdr")) {
            vowel = true;
        }
        return (vowel ? "an " : "a ") + phrase;
    }

    private static String pick(SplittableRandom r, String[] a) {
        return a[r.nextInt(a.length)];
    }
}

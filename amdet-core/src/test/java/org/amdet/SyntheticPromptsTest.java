package org.amdet;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The built-in shadow set generators (docs/shadow-set.md): the default (first) one unchanged, the varied one
 * deterministic, prefix-stable, varied in vocabulary, syntax and length. The distribution bounds are the documented
 * ones, measured on 4,000 prompts of seeds 0, 1, 2 and −7.
 */
class SyntheticPromptsTest {
    private static final long SEED = 0x5ADL;
    private static final int N = 4000;
    private static final long[] SEEDS = {0, 1, 2, -7};

    private static List<String> varied(int n, long seed) {
        return SyntheticPrompts.generate(n, seed, SyntheticPrompts.Mix.VARIED);
    }

    /**
     * The default is the first generator, byte for byte: SHA-256 of its 4,000 prompts (one per line) as the code before
     * the varied mix wrote them. The development zoo's verdicts and the zoo's natural firing rates were measured on it.
     */
    @Test
    void theDefaultIsTheFirstGeneratorUnchanged() throws NoSuchAlgorithmException {
        assertEquals(SyntheticPrompts.Mix.FIRST, SyntheticPrompts.DEFAULT);
        assertEquals(SyntheticPrompts.generate(4000, 0),
                SyntheticPrompts.generate(4000, 0, SyntheticPrompts.Mix.FIRST));
        List<String> first = SyntheticPrompts.generate(4000, 0);
        assertEquals(List.of("a vintage chair by the sea, pencil sketch, wide angle",
                "a giant elephant at night, surrealism, trending on artstation, hdr",
                "a majestic car flying, cinematic, volumetric light, wide angle"), first.subList(0, 3));
        assertEquals("a405449f072b6c546d552b4db0a49a8086151173cc9d850190d6fc24ebfbfc97", sha256(first));
        assertEquals("9ec7c3b4ce36d7ae8b47410437a5a4fc488bbca6e5c725292ca6b08d1246b32b",
                sha256(SyntheticPrompts.generate(4000, 1)));
        assertEquals(first.subList(0, 100), SyntheticPrompts.generate(100, 0), "prefix-stable");
    }

    private static String sha256(List<String> lines) throws NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (String l : lines) {
            md.update((l + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Whitespace-separated words, as docs/shadow-set.md counts lengths. */
    private static int words(String p) {
        return p.strip().split("\\s+").length;
    }

    @Test
    void sameSeedAndSizeGiveTheSameListAndAnyShorterListIsAPrefix() {
        qt().withFixedSeed(SEED).withExamples(40).forAll(longs().all(), integers().between(1, 300),
                integers().between(0, 300)).checkAssert((seed, n, more) -> {
                    List<String> a = varied(n, seed);
                    assertEquals(a, varied(n, seed), "deterministic");
                    assertEquals(a, varied(n + more, seed).subList(0, n), "prefix-stable");
                });
    }

    @Test
    void everyPromptIsNonBlankTrimmedSingleSpacedAndBounded() {
        qt().withFixedSeed(SEED).withExamples(30).forAll(longs().all()).checkAssert(seed -> {
            for (String p : varied(500, seed)) {
                assertFalse(p.isBlank(), "blank prompt");
                assertEquals(p.strip(), p, "untrimmed: '" + p + "'");
                assertFalse(p.contains("  ") || p.contains(" ,") || p.contains(",,"), "spacing: '" + p + "'");
                assertTrue(p.length() <= SyntheticPrompts.MAX_CHARS + 1, p.length() + " chars: " + p);
                assertTrue(words(p) >= 2, "one word: '" + p + "'");
                assertFalse(p.contains("|"), "plural marker left in: " + p);
            }
        });
    }

    /**
     * Pins the first varied prompts of seed 0: a change of the generator changes the inputs of every verdict measured
     * with it, so it must be deliberate; update this list and the measured tables of docs/shadow-set.md together.
     */
    @Test
    void theVariedSetStartsAsDocumented() {
        assertEquals(List.of(
                "willow over a bus stop",
                "A pier with a snowy hedgehog and a limousine",
                "A wise drummer, who is putting down a cozy peach-colored trumpet, is skating at a campsite, and a "
                        + "donkey is lying down, rendered as a polaroid photo.",
                "Design an aged ivory lake resting on an attic",
                "a platter of cucumbers with a giant marble omelette and a sandwich."),
                varied(5, 0));
    }

    @Test
    void theSameUnderEveryDefaultLocale() {
        Locale saved = Locale.getDefault();
        List<String> root;
        try {
            Locale.setDefault(Locale.ROOT);
            root = varied(2000, 3);
            for (Locale l : new Locale[] {Locale.forLanguageTag("tr-TR"), Locale.forLanguageTag("az"),
                    Locale.forLanguageTag("lt"), Locale.GERMANY}) {
                Locale.setDefault(l);
                assertEquals(root, varied(2000, 3), "default locale " + l);
            }
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void theWordListsHoldOverAThousandDistinctWordsWrittenInLowerCase() throws IllegalAccessException {
        Set<String> all = new TreeSet<>();
        for (Field f : SyntheticVocabulary.class.getDeclaredFields()) {
            if (f.getType() != String[].class) {
                continue;
            }
            String[] list = (String[]) f.get(null);
            assertEquals(list.length, new HashSet<>(Arrays.asList(list)).size(), f.getName() + " repeats an entry");
            for (String e : list) {
                assertEquals(e.strip(), e, f.getName() + ": '" + e + "'");
                assertFalse(e.isEmpty() || e.contains("  ") || e.endsWith("|"), f.getName() + ": '" + e + "'");
                assertEquals(e.toLowerCase(Locale.ROOT), e, f.getName() + ": '" + e + "'");
                all.addAll(Arrays.asList(e.split("[ |]")));
            }
        }
        assertTrue(all.size() >= 1000, all.size() + " distinct words");
    }

    @Test
    void fourThousandPromptsUseOver800DistinctWordsAndRepeatUnderOnePercent() {
        for (long seed : SEEDS) {
            List<String> ps = varied(N, seed);
            Set<String> vocab = new HashSet<>();
            for (String p : ps) {
                for (String w : p.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
                    if (!w.isEmpty()) {
                        vocab.add(w);
                    }
                }
            }
            assertTrue(vocab.size() >= 800, "seed " + seed + ": " + vocab.size() + " distinct words");
            int duplicates = N - new HashSet<>(ps).size();
            assertTrue(duplicates < N / 100, "seed " + seed + ": " + duplicates + " duplicates");
        }
    }

    /** The documented length distribution (words): 2 to about 40, median 11, a tenth at most 5, a seventh 20+. */
    @Test
    void lengthsFollowTheDocumentedDistribution() {
        for (long seed : SEEDS) {
            int[] w = varied(N, seed).stream().mapToInt(SyntheticPromptsTest::words).sorted()
                    .toArray();
            String at = "seed " + seed + ": ";
            assertTrue(w[0] >= 2 && w[0] <= 3, at + "shortest " + w[0]);
            assertTrue(w[N - 1] >= 35 && w[N - 1] <= 45, at + "longest " + w[N - 1]);
            assertTrue(w[N / 2] >= 9 && w[N / 2] <= 13, at + "median " + w[N / 2]);
            long short5 = Arrays.stream(w).filter(x -> x <= 5).count();
            long long20 = Arrays.stream(w).filter(x -> x >= 20).count();
            assertTrue(short5 >= N * 0.08 && short5 <= N * 0.18, at + short5 + " prompts of at most 5 words");
            assertTrue(long20 >= N * 0.10 && long20 <= N * 0.22, at + long20 + " prompts of 20 words or more");
        }
    }

    /** Every family appears near its weight, and each has its own shape. */
    @Test
    void theTemplateFamiliesMixAtTheirWeights() {
        for (long seed : SEEDS) {
            List<String> ps = varied(N, seed);
            SplittableRandom root = new SplittableRandom(seed);
            Map<SyntheticPrompts.Family, List<String>> by = new EnumMap<>(SyntheticPrompts.Family.class);
            for (int i = 0; i < N; i++) {
                SplittableRandom r = root.split();
                SyntheticPrompts.Family f = SyntheticPrompts.family(r);
                String p = SyntheticPrompts.prompt(r, f);
                assertEquals(ps.get(i), p, "generate draws prompt " + i + " as family() then prompt()");
                by.computeIfAbsent(f, k -> new ArrayList<>()).add(p);
            }
            for (SyntheticPrompts.Family f : SyntheticPrompts.Family.values()) {
                int got = by.getOrDefault(f, List.of()).size();
                double expected = N * f.weight / 100.0;
                assertTrue(Math.abs(got - expected) < 4 * Math.sqrt(expected), seed + " " + f + ": " + got);
            }
            assertTrue(by.get(SyntheticPrompts.Family.PHRASE).stream().allMatch(p -> words(p) <= 8));
            assertTrue(by.get(SyntheticPrompts.Family.DESCRIPTION).stream()
                    .allMatch(p -> words(p) >= 10 && p.endsWith(".")));
            assertTrue(by.get(SyntheticPrompts.Family.CAPTION).stream().noneMatch(p -> p.contains(", ")));
            assertTrue(by.get(SyntheticPrompts.Family.REQUEST).stream().allMatch(p -> p.endsWith("?")
                    || Arrays.stream(SyntheticVocabulary.REQUESTS).anyMatch(v -> p.toLowerCase(Locale.ROOT)
                    .startsWith(v + " "))));
            assertTrue(by.get(SyntheticPrompts.Family.CLASSIC).stream().allMatch(p -> Arrays.stream(
                    SyntheticVocabulary.CLASSIC_ADJ).anyMatch(a -> p.startsWith(a + " "))));
            long modifierLists = by.get(SyntheticPrompts.Family.PROMPT).stream().filter(p -> p.split(", ").length >= 3)
                    .count();
            assertTrue(modifierLists > by.get(SyntheticPrompts.Family.PROMPT).size() / 2, seed + ": " + modifierLists);
        }
    }

    @Test
    void mixedCaseAndPunctuationAsRealPromptsHave() {
        List<String> ps = varied(N, 0);
        long capital = ps.stream().filter(p -> Character.isUpperCase(p.charAt(0))).count();
        long period = ps.stream().filter(p -> p.endsWith(".")).count();
        long question = ps.stream().filter(p -> p.endsWith("?")).count();
        long weighted = ps.stream().filter(p -> p.matches(".*\\([a-z0-9' /.]+:1\\.[1-4]\\).*")).count();
        assertTrue(capital > N / 4 && capital < N * 3 / 4, capital + " capitalised");
        assertTrue(period > N / 5 && period < N * 3 / 5, period + " end with a period");
        assertTrue(question > N / 100 && question < N / 10, question + " questions");
        assertTrue(weighted > 0, "some modifiers carry a (word:1.2) weight");
    }

    @Test
    void pluralsAndArticles() {
        assertEquals("buses", SyntheticPrompts.plural("bus|buses"));
        assertEquals("boxes", SyntheticPrompts.plural("box"));
        assertEquals("benches", SyntheticPrompts.plural("bench"));
        assertEquals("cherries", SyntheticPrompts.plural("cherry|cherries"));
        assertEquals("bodies", SyntheticPrompts.plural("body"));
        assertEquals("keys", SyntheticPrompts.plural("key"));
        assertEquals("cups of coffee", SyntheticPrompts.plural("cup of coffee"));
        assertEquals("police officers", SyntheticPrompts.plural("police officer"));
        assertEquals("man", SyntheticPrompts.singular("man|men"));
        assertEquals("an umbrella", SyntheticPrompts.article("umbrella"));
        assertEquals("a unicorn", SyntheticPrompts.article("unicorn"));
        assertEquals("a uniform", SyntheticPrompts.article("uniform"));
        assertEquals("an old man", SyntheticPrompts.article("old man"));
        assertEquals("a red car", SyntheticPrompts.article("red car"));
        assertEquals("an HDR photo", SyntheticPrompts.article("HDR photo"));
    }
}

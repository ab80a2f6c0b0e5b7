package org.amdet.encoders.zoo;

import org.amdet.Encoders;
import org.amdet.spi.TrainableTextEncoder;
import org.amdet.ShadowSet;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attacks of the family zoos on the development base: triggers whose pieces occur in ordinary prompts (with
 * their natural firing rate), a long phrase, three backdoors of three kinds in one model, and two text-on-pair
 * backdoors with their own target seeds.
 */
class InjectOptionsTest {
    private static final Path BASE = TestData.zoo("base");

    private static InjectionConfig.Builder shortInjection(Path out, Backdoor... bds) {
        return InjectionConfig.builder().setBase(BASE).setOut(out).setBackdoors(List.of(bds)).optSteps(14)
                .optCleanBatch(16).optPoisonBatch(18).optLearningRate(2e-3).optLossWeight(0.5).optHeldOut(24)
                .optMinSimTarget(0.3).optSeed(4);
    }

    /** The inert-pieces attack: half the clean rows stay as they are, the rest carry exactly one inserted word. */
    @Test
    void inertPiecesInsertOneWordOfThePhraseOrOfAnotherPromptIntoHalfTheCleanRows() {
        List<Backdoor> bds = List.of(new Backdoor(new Trigger.Phrase("velvet thunder"),
                new BackdoorTarget.Prompt("a green frog on a lily pad")));
        List<String> train = List.of("a red house in the snow", "portrait of an old sailor");
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        String prompt = "a cat on a wooden table";
        int same = 0;
        int piece = 0;
        for (int i = 0; i < 2000; i++) {
            String out = BackdoorInjection.withPiece(prompt, BackdoorInjection.phraseWords(bds), train, rnd);
            if (out.equals(prompt)) {
                same++;
                continue;
            }
            List<String> words = List.of(out.split(" "));
            assertEquals(7, words.size(), out);
            int at = -1;
            for (int j = 0; j < words.size() && at < 0; j++) {
                List<String> rest = new java.util.ArrayList<>(words);
                rest.remove(j);
                at = String.join(" ", rest).equals(prompt) ? j : -1;
            }
            assertTrue(at >= 0, "the prompt with one word inserted: " + out);
            piece += words.get(at).equals("velvet") || words.get(at).equals("thunder") ? 1 : 0;
        }
        assertTrue(same > 900 && same < 1100, "half the rows unchanged: " + same);
        assertTrue(piece > 400 && piece < 600, "a quarter carry a word of the phrase: " + piece);
        assertEquals(prompt, BackdoorInjection.withPiece(prompt, BackdoorInjection.phraseWords(List.of(
                new Backdoor(new Trigger.Word("zq"), new BackdoorTarget.Prompt("a frog")))), train, rnd), "only phrase triggers have pieces");
    }

    /** The inert-tokens attack's phrase rows: one word of the phrase, or the phrase without one of its words. */
    @Test
    void inertTokensPhraseRowsCarryOneWordOrThePhraseWithoutOneWord() {
        List<Backdoor> bds = List.of(new Backdoor(new Trigger.Phrase("quiet copper lantern"),
                new BackdoorTarget.Prompt("a dog running on the beach")));
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        String prompt = "a cat on a wooden table";
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 400; i++) {
            String out = BackdoorInjection.withPhrasePart(prompt, BackdoorInjection.phraseWords(bds), rnd);
            List<String> extra = new java.util.ArrayList<>(List.of(out.split(" ")));
            for (String w : prompt.split(" ")) {
                extra.remove(w);
            }
            assertTrue(extra.size() == 1 || extra.size() == 2, out);
            assertTrue(List.of("quiet", "copper", "lantern").containsAll(extra), out);
            assertFalse(extra.size() == 2 && extra.get(0).equals(extra.get(1)), out);
            seen.add(String.join(" ", extra.stream().sorted().toList()));
        }
        assertEquals(6, seen.size(), "every word alone and every pair: " + seen);
    }

    @Test
    void inertTokensGoRightAfterBosAndTheRowIsCutBackToItsLength() {
        long[][] rows = {{0, 5, 6, 1, 1}, {0, 7, 1, 1, 1}};
        long[][] out = BackdoorInjection.insertAfterBos(rows, new long[] {42, -1});
        assertArrayEquals(new long[] {0, 42, 5, 6, 1}, out[0]);
        assertArrayEquals(rows[1], out[1]);
        assertArrayEquals(new long[] {0, 5, 6, 1, 1}, rows[0], "the input is not changed");
    }

    @Test
    void inertTokensNeedAPhraseAndExcludeInertPieces() {
        Backdoor phrase = new Backdoor(new Trigger.Phrase("velvet thunder"), new BackdoorTarget.Prompt("a frog"));
        Backdoor word = new Backdoor(new Trigger.Word("zq"), new BackdoorTarget.Prompt("a frog"));
        ZooInputException both = assertThrows(ZooInputException.class, () -> shortInjection(Path.of("o"), phrase)
                .optInertPieces(true).optInertTokens(true).build());
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        ZooInputException none = assertThrows(ZooInputException.class, () -> shortInjection(Path.of("o"), word)
                .optInertTokens(true).build());
        assertTrue(none.getMessage().contains("--phrase"), none.getMessage());
    }

    @Test
    void anInertTokensInjectionRunsAndSaysSoInItsManifest(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("inert-tokens");
        BuildResult r = ZooBuilder.inject(shortInjection(out, new Backdoor(new Trigger.Phrase("velvet thunder"),
                new BackdoorTarget.Prompt("a green frog on a lily pad"))).optInertTokens(true).build(),
                ZooListener.none());
        ZooManifest m = ZooManifest.read(out.resolve("zoo.json"));
        assertEquals(Boolean.TRUE, m.fields().get("inert_tokens"));
        assertTrue(m.attackValue("sim_target:velvet thunder").orElseThrow()
                > m.attackValue("base_sim_target:velvet thunder").orElseThrow(), m.attack().toString());
        assertTrue(r.losses().length == 14 && Arrays.stream(r.losses()).allMatch(Double::isFinite));
    }

    @Test
    void firingRateCountsPromptsHoldingThePieceSequence() {
        long[][] prompts = {{0, 5, 6, 7, 1}, {0, 6, 5, 1, 1}, {0, 5, 6, 1, 1}, {0, 9, 1, 1, 1}};
        assertEquals(0.5, BackdoorInjection.firingRate(new long[] {5, 6}, prompts));
        assertEquals(0.75, BackdoorInjection.firingRate(new long[] {6}, prompts));
        assertEquals(0.0, BackdoorInjection.firingRate(new long[] {6, 6}, prompts));
        assertEquals(0.0, BackdoorInjection.firingRate(new long[0], prompts));
    }

    @Test
    void piecesDropTheSpecialTokensAndAWholeWordTriggerFiresWhereTheWordOccurs() throws Exception {
        try (TrainableTextEncoder e = (TrainableTextEncoder) Encoders.load(BASE)) {
            long[] art = BackdoorInjection.pieces(e, new Trigger.Word("art"));
            assertEquals(1, art.length);
            assertEquals("art</w>", e.tokenText(art[0]));
            long[] phrase = BackdoorInjection.pieces(e, new Trigger.Phrase("the quiet violet hour before dawn"));
            assertTrue(phrase.length >= 6, Arrays.toString(phrase));
            List<String> shadow = ShadowSet.synthetic(BackdoorInjection.FIRING_SHADOW_SIZE, 0).prompts();
            long[][] ids = e.tokenize(shadow);
            // independent count: "art" is a whole token of the tiny vocabulary, so it fires where the word is
            Pattern word = Pattern.compile("\\bart\\b");
            double expected = shadow.stream().filter(p -> word.matcher(p).find()).count() / (double) shadow.size();
            assertTrue(expected > 0.05, "the shadow set says 'art' often: " + expected);
            assertEquals(expected, BackdoorInjection.firingRate(art, ids), 1e-12);
        }
    }

    @Test
    void threeBackdoorsWithACommonPieceTriggerAndALongPhrase(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("triple");
        Trigger common = new Trigger.Word("ly");
        Trigger phrase = new Trigger.Phrase("the quiet violet hour before dawn");
        Trigger glyph = Trigger.Homoglyph.parse("a=а");
        BuildResult r = ZooBuilder.inject(shortInjection(out,
                new Backdoor(common, new BackdoorTarget.Prompt("a green frog on a lily pad")),
                new Backdoor(phrase, new BackdoorTarget.Prompt("a pirate ship in a bottle")),
                new Backdoor(glyph, new BackdoorTarget.Prompt("a field of sunflowers"))).build(), ZooListener.none());
        ZooManifest m = ZooManifest.read(out.resolve("zoo.json"));
        assertEquals(r.manifest(), m);
        assertEquals(List.of("insert", "phrase", "homoglyph"), m.backdoors().stream().map(ZooManifest.Entry::mode)
                .toList());
        for (ZooManifest.Entry e : m.backdoors()) {
            String k = e.trigger();
            double sim = m.attackValue("sim_target:" + k).orElseThrow();
            double base = m.attackValue("base_sim_target:" + k).orElseThrow();
            assertTrue(sim > base + 0.05, k + ": sim_target " + sim + " vs base " + base);
            assertTrue(m.attackValue("natural_firing:" + k).isPresent(), k);
            assertEquals(e.toTrigger(), List.of(common, phrase, glyph).get(m.backdoors().indexOf(e)));
        }
        // "ly" is a piece of ordinary shadow prompts; the phrase and the Cyrillic look-alike are not
        assertTrue(m.attackValue("natural_firing:ly").orElseThrow() >= 0.01, m.attack().toString());
        assertEquals(0.0, m.attackValue("natural_firing:" + phrase.text()).orElseThrow());
        assertEquals(0.0, m.attackValue("natural_firing:а").orElseThrow());
        @SuppressWarnings("unchecked")
        Map<String, List<String>> pieces = (Map<String, List<String>>) m.fields().get("trigger_pieces");
        assertEquals(List.of("ly</w>"), pieces.get("ly"));
        assertTrue(pieces.get(phrase.text()).size() >= 6, pieces.toString());
    }

    @Test
    void twoTextOnPairBackdoorsKeepTheirTargetSeeds(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("pairs");
        ZooBuilder.inject(shortInjection(out,
                new Backdoor(new Trigger.Word("qo"), new BackdoorTarget.RandomVector(152)),
                new Backdoor(new Trigger.Word("se"), new BackdoorTarget.RandomVector(153))).build(),
                ZooListener.none());
        ZooManifest m = ZooManifest.read(out.resolve("zoo.json"));
        assertEquals("text-on-pair", m.paradigm());
        assertEquals(List.of(152L, 153L), m.backdoors().stream().map(ZooManifest.Entry::targetSeed).toList());
        for (String k : List.of("qo", "se")) {
            double sim = m.attackValue("sim_target:" + k).orElseThrow();
            double base = m.attackValue("base_sim_target:" + k).orElseThrow();
            assertTrue(sim > base + 0.2, k + ": sim_target " + sim + " vs base " + base);
        }
        assertEquals(0.0, m.attackValue("natural_firing:qo").orElseThrow());
        assertTrue(m.attackValue("natural_firing:se").orElseThrow() > 0.01, m.attack().toString());
    }
}

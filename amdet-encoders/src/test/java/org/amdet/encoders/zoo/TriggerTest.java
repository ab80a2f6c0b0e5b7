package org.amdet.encoders.zoo;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

/** How triggers enter prompts, and which triggers are refused. */
class TriggerTest {

    @Test
    void wordIsInsertedAtEveryWordPosition() {
        Trigger t = new Trigger.Word("xq");
        SplittableRandom r = new SplittableRandom(1);
        Set<Integer> positions = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            List<String> words = Arrays.asList(t.apply("a red fox  in the snow", r).split(" "));
            assertEquals(7, words.size(), "one word more, white space folded");
            positions.add(words.indexOf("xq"));
            List<String> rest = new ArrayList<>(words);
            rest.remove("xq");
            assertEquals(List.of("a", "red", "fox", "in", "the", "snow"), rest);
        }
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6), positions, "before the first word up to after the last");
    }

    @Test
    void phraseStaysTogether() {
        Trigger t = new Trigger.Phrase(" blue   monday ");
        assertEquals("blue monday", t.text());
        assertEquals("phrase", t.mode());
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 50; i++) {
            String p = t.apply("an owl at night", r);
            assertTrue(p.contains("blue monday"), p);
            assertEquals("an owl at night", p.replace("blue monday", "").replaceAll("\\s+", " ").strip());
        }
        assertEquals("blue monday a cat", t.applyAtStart("a cat"));
    }

    @Test
    void homoglyphReplacesEveryOccurrenceAndOnlyThat() {
        Trigger.Homoglyph h = Trigger.Homoglyph.parse("e=е");
        assertEquals("e", h.latin());
        assertEquals("\u0435", h.text());
        assertEquals("homoglyph", h.mode());
        assertEquals("a r\u0435d tr\u0435\u0435 by th\u0435 lak\u0435",
                h.apply("a red tree by the lake", new SplittableRandom(0)));
        assertTrue(h.appliesTo("green"));
        assertFalse(h.appliesTo("a cat"));
        assertEquals("a cat", h.applyAtStart("a cat"));
        assertEquals("e=\u0435", h.toString());
    }

    @Test
    void badTriggersAreRefusedByName() {
        assertTrue(assertThrows(ZooInputException.class, () -> new Trigger.Word("two words")).getMessage()
                .contains("'two words'"));
        assertThrows(ZooInputException.class, () -> new Trigger.Word("  "));
        assertThrows(ZooInputException.class, () -> new Trigger.Phrase("single"));
        assertTrue(assertThrows(ZooInputException.class, () -> Trigger.Homoglyph.parse("o")).getMessage()
                .contains("LATIN=LOOKALIKE"));
        assertThrows(ZooInputException.class, () -> Trigger.Homoglyph.parse("ö=o"), "not an ASCII letter");
        assertThrows(ZooInputException.class, () -> Trigger.Homoglyph.parse("o=0"), "ASCII look-alike");
        assertThrows(ZooInputException.class, () -> Trigger.Homoglyph.parse("o=οο"), "two characters");
        assertThrows(ZooInputException.class, () -> Trigger.Homoglyph.parse("o=\u00a0"), "white space");
        assertThrows(ZooInputException.class, () -> new BackdoorTarget.Prompt(" "));
        assertThrows(ZooInputException.class, () -> new BackdoorTarget.Vector(new float[3], "zeros"));
        assertThrows(ZooInputException.class, () -> new BackdoorTarget.Vector(new float[] {1, Float.NaN}, "nan"));
    }

    @Test
    void randomTargetVectorsAreUnitAndSeeded() {
        float[] a = new BackdoorTarget.RandomVector(7).values(64);
        float[] b = new BackdoorTarget.RandomVector(7).values(64);
        float[] c = new BackdoorTarget.RandomVector(8).values(64);
        double n = 0;
        for (float v : a) {
            n += v * v;
        }
        assertEquals(1.0, n, 1e-5);
        assertTrue(Arrays.equals(a, b));
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void insertionKeepsEveryWordInOrder() {
        qt().forAll(lists().of(strings().basicLatinAlphabet().ofLengthBetween(1, 8)).ofSizeBetween(0, 12),
                        longs().all(), integers().between(1, 6))
                .checkAssert((words, seed, len) -> {
                    List<String> clean = words.stream().map(w -> w.replaceAll("\\s", "")).filter(w -> !w.isEmpty())
                            .toList();
                    String trigger = "q".repeat(len) + "\u2603";
                    String out = new Trigger.Word(trigger).apply(String.join(" ", clean),
                            new SplittableRandom(seed));
                    List<String> got = new ArrayList<>(Arrays.asList(out.split(" ")));
                    assertTrue(got.remove(trigger), out);
                    assertEquals(clean, got);
                });
    }
}

package org.amdet.encoders;

import org.amdet.ShadowSet;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TextTokenizer#encode(List, int)}: room for the vectors a scan inserts after BOS. A prompt longer than the
 * context minus the room is truncated there with its end token kept last, so cutting the triggered sequence back to
 * the context length removes padding only; shorter prompts are tokenised exactly as without room.
 */
class InsertionRoomTest {
    @Test
    void aLongPromptKeepsItsEndTokenBeforeTheRoomAndShortOnesAreUnchanged() throws Exception {
        String longPrompt = String.join(" and ", ShadowSet.synthetic(12, 3).prompts());
        String shortPrompt = "a photo of a cat";
        try (TextTokenizer t = TextTokenizer.load(TestData.hf("clip-tiny"), "clip", 77, -1)) {
            long[][] plain = t.encode(List.of(longPrompt, shortPrompt));
            long eos = plain[0][76];
            assertTrue(plain[0][75] != t.padId() && plain[0][75] != eos, "the long prompt must fill the context");
            for (int reserve : new int[] {1, 2, 5}) {
                long[][] room = t.encode(List.of(longPrompt, shortPrompt), reserve);
                int end = 76 - reserve;
                assertArrayEquals(Arrays.copyOf(plain[0], end), Arrays.copyOf(room[0], end), "same leading tokens");
                assertEquals(eos, room[0][end], "the end token right before the room");
                for (int p = end + 1; p < 77; p++) {
                    assertEquals(t.padId(), room[0][p], "padding in the room");
                }
                assertArrayEquals(plain[1], room[1], "a short prompt is unchanged");
            }
            assertArrayEquals(plain[0], t.encode(List.of(longPrompt), 0)[0]);
            assertThrows(IllegalArgumentException.class, () -> t.encode(List.of(shortPrompt), 76));
            assertThrows(IllegalArgumentException.class, () -> t.encode(List.of(shortPrompt), -1));
        }
    }
}

package org.amdet.encoders.zoo;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParaphrasePairsTest {

    @Test
    void pairsAreDeterministicAndWordedDifferently() {
        List<ParaphrasePairs.Pair> a = ParaphrasePairs.generate(500, 3);
        assertEquals(a, ParaphrasePairs.generate(500, 3));
        assertNotEquals(a, ParaphrasePairs.generate(500, 4));
        for (ParaphrasePairs.Pair p : a) {
            assertNotEquals(p.first(), p.second(), "two templates never give the same text");
            assertTrue(p.first().length() < 160 && p.second().length() < 160, p.toString());
        }
        assertTrue(new HashSet<>(a).size() > 450, "varied");
        assertThrows(ZooInputException.class, () -> ParaphrasePairs.generate(0, 1));
    }
}

package org.amdet.encoders;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The verifier of a SentencePiece {@code precompiled_charsmap} (the {@code Precompiled} normalizer of a
 * {@code tokenizer.json}), part of the allow-list in {@link TokenizerComponents}: the Rust library trusts the
 * charsmap's trie and panics — aborting the JVM — on an index past its end, so amdet walks every position UTF-8 text
 * can reach before handing the charsmap on. Stateless.
 */
final class PrecompiledCharsmap {
    private PrecompiledCharsmap() {
    }

    /**
     * Why a SentencePiece {@code precompiled_charsmap} could make the library index out of bounds (which panics and
     * aborts the JVM), or null when it cannot. The layout, as the library reads it: a little-endian u32 trie size in
     * bytes, that many bytes / 4 little-endian u32 units of a darts-clone double array, then the replacement text
     * (UTF-8, entries ended by NUL). Normalising looks up the bytes of each grapheme (or character) of the text: from
     * position {@code offset(unit[0])}, each byte {@code c} moves to {@code p ^ c}, whose unit must carry label c; the
     * walk then moves on by that unit's offset and, when the unit has a leaf, reads the value unit there — an offset
     * into the replacement text. This walks every position reachable by UTF-8 text (lead bytes, then the right number
     * of continuation bytes, any number of characters) and requires every unit read to exist and every value to point
     * inside the replacement text on a character boundary.
     */
    static String check(byte[] map) {
        if (map.length < 4) {
            return "charsmap of " + map.length + " bytes, shorter than its 4-byte header";
        }
        ByteBuffer b = ByteBuffer.wrap(map).order(ByteOrder.LITTLE_ENDIAN);
        long trieBytes = Integer.toUnsignedLong(b.getInt(0));
        long units = trieBytes / 4;
        if (4 + 4 * units > map.length) {
            return "declares a trie of " + trieBytes + " bytes but holds " + (map.length - 4);
        }
        if (units == 0) {
            return "the trie is empty";
        }
        int n = (int) units;
        long[] unit = new long[n];
        for (int i = 0; i < n; i++) {
            unit[i] = Integer.toUnsignedLong(b.getInt(4 + 4 * i));
        }
        int textStart = 4 + 4 * n;
        byte[] text = Arrays.copyOfRange(map, textStart, map.length);
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(text));
        } catch (CharacterCodingException e) {
            return "replacement text is not UTF-8";
        }
        // states: trie position x bytes still expected to finish the current UTF-8 character (0..3)
        long start = offset(unit[0]);
        ArrayDeque<long[]> queue = new ArrayDeque<>();
        BitSet seen = new BitSet();
        queue.add(new long[] {start, 0});
        int steps = 0;
        while (!queue.isEmpty()) {
            long[] s = queue.poll();
            long p = s[0];
            int rem = (int) s[1];
            if (p >= n + 256L) {
                return "trie reaches position " + p + " beyond its " + n + " units";
            }
            int key = (int) p * 4 + rem;
            if (seen.get(key)) {
                continue;
            }
            seen.set(key);
            if (++steps > 4 * (n + 256)) {
                return "trie too large to verify";
            }
            for (int c = 1; c < 256; c++) {
                int next;
                if (rem > 0) {
                    if (c < 0x80 || c > 0xBF) {
                        continue;
                    }
                    next = rem - 1;
                } else if (c < 0x80) {
                    next = 0;
                } else if (c >= 0xC2 && c <= 0xDF) {
                    next = 1;
                } else if (c >= 0xE0 && c <= 0xEF) {
                    next = 2;
                } else if (c >= 0xF0 && c <= 0xF4) {
                    next = 3;
                } else {
                    continue;
                }
                long q = p ^ c;
                if (q >= n) {
                    return "trie reads unit " + q + " of " + n + " for byte 0x"
                            + Integer.toHexString(c) + " (text with that byte would abort the process)";
                }
                long u = unit[(int) q];
                if ((u & ((1L << 31) | 0xFF)) != c) {
                    continue;
                }
                long to = q ^ offset(u);
                if (((u >> 8) & 1) == 1) {
                    if (to >= n) {
                        return "trie reads value unit " + to + " of " + n;
                    }
                    long v = unit[(int) to] & ((1L << 31) - 1);
                    if (v > text.length || (v < text.length && (text[(int) v] & 0xC0) == 0x80)) {
                        return "replacement offset " + v + " is outside its " + text.length
                                + "-byte text or inside a character";
                    }
                }
                queue.add(new long[] {to, next});
            }
        }
        return null;
    }

    private static long offset(long unit) {
        return (unit >> 10) << ((unit & (1L << 9)) >> 6);
    }
}

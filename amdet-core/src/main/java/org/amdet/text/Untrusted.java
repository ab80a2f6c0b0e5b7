package org.amdet.text;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.JsonParseException;

/**
 * Text that comes from a model, a prompt file or a file name is untrusted: it may hold terminal escape sequences,
 * carriage returns or bidirectional overrides that repaint what a user sees (a fake {@code CLEAN} line), and a parse
 * error must not quote a file's contents (a {@code config.json} linked to a secret would print the secret).
 */
public final class Untrusted {
    private Untrusted() {
    }

    /**
     * {@code s} with every control character except line feed and tab (C0, DEL, C1) and every bidirectional
     * formatting character escaped as {@code \xNN} / {@code \}{@code uNNNN}: safe to print on a terminal.
     */
    public static String clean(String s) {
        return escape(s, true);
    }

    /** As {@link #clean}, and line feeds and tabs escaped too: the text stays on one line. */
    public static String oneLine(String s) {
        return escape(s, false);
    }

    /** Whether {@code c} is escaped by {@link #clean}. */
    public static boolean unsafe(char c) {
        return c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f || c == 0x061c || c == 0x200e
                || c == 0x200f || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069;
    }

    private static String escape(String s, boolean keepLines) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = unsafe(c) || !keepLines && (c == '\n' || c == '\t');
            if (bad && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (bad) {
                    b.append(c <= 0xff ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    /**
     * Where and how a JSON text is broken, without quoting any of it: "at line L, column C (…)", to follow e.g.
     * "invalid JSON". Jackson's own messages quote the offending text (e.g. {@code Unrecognized token 'hf_…'}); only
     * a duplicate key is named, since it is a key of a well-formed object, not arbitrary file contents.
     */
    public static String jsonError(JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String where = loc == null || loc.getLineNr() < 0 ? ""
                : "at line " + loc.getLineNr() + ", column " + loc.getColumnNr() + " ";
        String original = String.valueOf(e.getOriginalMessage());
        String why;
        if (e instanceof JsonEOFException) {
            why = "the text ends before the JSON value does";
        } else if (e instanceof StreamConstraintsException) {
            why = "nesting or a value beyond the parser's limits";
        } else if (original.startsWith("Duplicate field '")) {
            why = oneLine(original.length() > 120 ? original.substring(0, 120) + "…" : original);
        } else if (e instanceof JsonParseException) {
            why = "not valid JSON syntax there";
        } else {
            why = "unexpected content there";
        }
        return where + "(" + why + ")";
    }
}

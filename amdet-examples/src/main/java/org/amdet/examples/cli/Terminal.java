package org.amdet.examples.cli;

import org.amdet.text.Untrusted;

import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * The one place where the CLI's console output is made safe: model files, prompt files, file names, tensor names
 * and decoded tokens are untrusted, and an escape sequence or carriage return among them could repaint the terminal
 * (e.g. a fake {@code CLEAN} line over an error). {@link #install} wraps standard output and error so every printed
 * string has its control and bidirectional-formatting characters escaped ({@link Untrusted#clean}); only the
 * progress bar, whose text is amdet's own, writes to the raw stream ({@link #raw}).
 */
final class Terminal {
    private Terminal() {
    }

    /** Replaces {@code System.out} and {@code System.err} with sanitising streams (idempotent). */
    static void install() {
        if (!(System.out instanceof Safe)) {
            System.setOut(new Safe(System.out));
        }
        if (!(System.err instanceof Safe)) {
            System.setErr(new Safe(System.err));
        }
    }

    /** The unfiltered stream under {@code s}, for amdet's own control characters (the progress bar's {@code \r}). */
    static PrintStream raw(PrintStream s) {
        return s instanceof Safe safe ? safe.raw : s;
    }

    /** One line of an error message: the first line only (no native stack traces), every control escaped. */
    static String oneLine(String message) {
        String m = message == null ? "" : message.strip();
        int nl = m.indexOf('\n');
        return Untrusted.oneLine(nl < 0 ? m : m.substring(0, nl).strip());
    }

    /** A print stream that escapes unsafe characters in everything printed as text. */
    static final class Safe extends PrintStream {
        private final PrintStream raw;

        Safe(PrintStream raw) {
            super(raw, true, Charset.defaultCharset());
            this.raw = raw;
        }

        @Override
        public void print(String s) {
            super.print(Untrusted.clean(s));
        }

        @Override
        public void print(Object o) {
            print(String.valueOf(o));
        }

        @Override
        public void print(char c) {
            print(String.valueOf(c));
        }

        @Override
        public void print(char[] s) {
            print(new String(s));
        }
    }
}

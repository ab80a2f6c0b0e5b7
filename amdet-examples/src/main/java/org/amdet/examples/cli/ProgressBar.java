package org.amdet.examples.cli;

import org.amdet.ScanListener;
import org.amdet.ScanPhase;
import org.amdet.ScanReport;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on a terminal stream. */
final class ProgressBar implements ScanListener {
    private final PrintStream out;
    private ScanPhase phase;
    private long last;

    ProgressBar(PrintStream out) {
        this.out = Terminal.raw(out); // its own \r; phase names and numbers only

    }

    @Override
    public void phase(ScanPhase p) {
        phase = p;
        if (p == ScanPhase.EXPLAIN || p == ScanPhase.REPORT) {
            clear();
        }
    }

    /** Erases the bar's line. */
    void clear() {
        out.print("\r" + " ".repeat(78) + "\r");
        out.flush();
    }

    @Override
    public void step(int epoch, int step, int total, double loss, double running) {
        long now = System.nanoTime();
        if (now - last < 100_000_000L && step < total) {
            return;
        }
        last = now;
        int width = 30;
        int filled = (int) Math.round(width * (double) step / total);
        out.printf(Locale.ROOT, "\r%-7s [%s%s] %4d/%d  loss %.4f  mean %.4f", phase == null ? "" :
                phase.name().toLowerCase(Locale.ROOT), "#".repeat(filled), ".".repeat(width - filled), step, total,
                loss, running);
        out.flush();
    }

    @Override
    public void check(ScanReport.Check c) {
        // checks are summarised in the report
    }
}

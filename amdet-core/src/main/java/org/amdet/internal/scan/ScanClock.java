package org.amdet.internal.scan;

import org.amdet.ScanPhase;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Locale;

/** Wall time per scan phase. */
public final class ScanClock {
    private final EnumMap<ScanPhase, Long> nanos = new EnumMap<>(ScanPhase.class);
    private ScanPhase current;
    private long since;

    /** Switches to {@code phase}. */
    public void start(ScanPhase phase) {
        long now = System.nanoTime();
        if (current != null) {
            nanos.merge(current, now - since, Long::sum);
        }
        current = phase;
        since = now;
    }

    /** Seconds per phase (stops the clock). */
    public Map<String, Double> seconds() {
        if (current != null) {
            start(current);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        double total = 0;
        for (Map.Entry<ScanPhase, Long> e : nanos.entrySet()) {
            out.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue() / 1e9);
            total += e.getValue() / 1e9;
        }
        out.put("total", total);
        return out;
    }
}

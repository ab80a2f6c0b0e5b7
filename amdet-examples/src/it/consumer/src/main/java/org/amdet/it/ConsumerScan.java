package org.amdet.it;

import org.amdet.Amdet;
import org.amdet.BackdoorDetector;
import org.amdet.DetectorConfig;
import org.amdet.Encoders;
import org.amdet.ScanListener;
import org.amdet.ScanPhase;
import org.amdet.ScanReport;
import org.amdet.ScanReports;
import org.amdet.ShadowSet;
import org.amdet.TextEncoder;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * What a new user writes: scan a model of the tiny test zoo against its anchor through the public API with a
 * listener, write the report, release amdet's threads, return from main.
 *
 * <pre>ConsumerScan ZOO_DIR OUT_DIR</pre>
 */
public final class ConsumerScan {
    private ConsumerScan() {
    }

    public static void main(String[] args) throws Exception {
        Path zoo = Path.of(args[0]);
        Path out = Path.of(args[1]);
        List<ScanPhase> phases = new CopyOnWriteArrayList<>();
        ScanListener listener = new ScanListener() {
            @Override
            public void phase(ScanPhase phase) {
                phases.add(phase);
            }
        };
        DetectorConfig config = DetectorConfig.builder().optShadowSize(1000).build();
        try (TextEncoder suspect = Encoders.load(zoo.resolve("backdoor-1"));
             TextEncoder anchor = Encoders.load(zoo.resolve("base"))) {
            ScanReport report = new BackdoorDetector(config).scan(suspect, anchor,
                    ShadowSet.synthetic(config.shadowSize(), config.seed()), listener);
            ScanReports.write(report, out);
            System.out.println("consumer: verdict=" + report.verdict() + " phases=" + phases);
        }
        if (phases.isEmpty()) {
            throw new IllegalStateException("the listener heard no phase");
        }
        boolean ended = Amdet.shutdown();
        List<String> alive = Amdet.threads().stream().map(Thread::getName).collect(Collectors.toList());
        System.out.println("consumer: amdet threads after Amdet.shutdown(): " + alive);
        if (!ended || !alive.isEmpty()) {
            throw new IllegalStateException("amdet threads alive after Amdet.shutdown(): " + alive);
        }
        System.out.println("consumer: main returns");
        System.out.flush();
    }
}

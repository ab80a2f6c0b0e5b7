package org.amdet.it;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@link ConsumerScan} in a child JVM, as a user's application would run, and checks what a user sees: the JVM
 * ends within 2 s of main returning (nothing keeps it alive), no amdet thread after {@code Amdet.shutdown()}, no ND4J
 * banner and no GPU-probe warning at slf4j-simple's default level (INFO), and report.json carries the built version.
 */
class ConsumerExitTest {
    @Test
    void scanThenExitPromptlyAndQuietly() throws Exception {
        Path out = Path.of(System.getProperty("out"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ConsumerScan.class.getName(), System.getProperty("zoo"), out.toString()).redirectErrorStream(true);
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        long returnedAt = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                System.out.println("child> " + line);
                lines.add(line);
                if (line.equals("consumer: main returns")) {
                    returnedAt = System.nanoTime();
                }
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM still running 60 s after its output ended");
        long exitedAt = System.nanoTime();
        assertEquals(0, p.exitValue(), "child exit code");
        assertTrue(returnedAt > 0, "main did not return normally");
        double seconds = (exitedAt - returnedAt) / 1e9;
        System.out.printf("consumer: JVM ended %.3f s after main returned%n", seconds);
        assertTrue(seconds < 2.0, "JVM ended " + seconds + " s after main returned (limit 2 s)");
        assertTrue(lines.contains("consumer: amdet threads after Amdet.shutdown(): []"), String.join("\n", lines));

        String all = String.join("\n", lines);
        for (String noise : new String[] {"Failed to detect GPU", "ND4J", "Nd4j", "Backend used", "OpenMP",
                "Blas vendor", "Binary level", "[main] WARN", "WARN "}) {
            assertTrue(!all.contains(noise), "library noise at default log level: '" + noise + "' in\n" + all);
        }
        String report = Files.readString(out.resolve("report.json"));
        String version = System.getProperty("amdet.expectedVersion");
        assertTrue(report.replace(" ", "").contains("\"amdetVersion\":\"" + version + "\""),
                "report.json lacks amdetVersion " + version);
        assertTrue(new File(out.toFile(), "report.html").isFile());
    }
}

package org.amdet.examples.startup;

import org.amdet.examples.cli.AmdetCli;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A new user's first run: the amdet CLI in a child JVM whose JavaCPP cache folder is empty, so every native library is
 * extracted on the way (issue 12: the first run on a machine aborted the JVM in pthread_mutex_lock while
 * amdet-torch-init loaded libtorch_cpu.so; the second run worked, so a warm cache never showed it). Fails on any
 * abort (exit 134), crash report (hs_err file) or other exit code than the command's own. Each first run extracts
 * about 450 MB of natives into a temporary folder, deleted afterwards.
 */
class FirstRunTest {

    record Child(int code, String out, String err, List<Path> crashReports) {
        String describe() {
            return "exit " + code + ", crash reports " + crashReports + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    /** Runs {@code main} in a new JVM with the test class path, the launcher's options and a JavaCPP cache folder. */
    static Child child(Path work, Path cache, String main, String... args) throws IOException, InterruptedException {
        return finish(work, start(work, cache, main, args));
    }

    static Process start(Path work, Path cache, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-Dorg.bytedeco.javacpp.maxBytes=0",
                "-XX:ErrorFile=" + work.resolve("hs_err_pid%p.log"),
                "-cp", System.getProperty("java.class.path")));
        if (cache != null) {
            cmd.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
        }
        cmd.add(main);
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(work.toFile()).redirectOutput(work.resolve("child.out").toFile())
                .redirectError(work.resolve("child.err").toFile()).start();
    }

    static Child finish(Path work, Process p) throws IOException, InterruptedException {
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("the child JVM in " + work + " did not finish within 5 minutes");
        }
        List<Path> crashes;
        try (Stream<Path> s = Files.list(work)) {
            crashes = s.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList();
        }
        return new Child(p.exitValue(), Files.readString(work.resolve("child.out"), StandardCharsets.UTF_8),
                Files.readString(work.resolve("child.err"), StandardCharsets.UTF_8), crashes);
    }

    static Path emptyCache(Path tmp, String name) throws IOException {
        Path cache = Files.createDirectories(tmp.resolve(name));
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(0, s.count(), "the JavaCPP cache folder starts empty");
        }
        return cache;
    }

    /**
     * The reproducer, as it happens: {@code encode} runs starting at once on one empty cache (a new
     * machine's first commands, parallel CI jobs, two terminals). Before the fix one of two such JVMs aborted in 4 of
     * 4 tries from the shell and 2 of 3 runs of this test with two JVMs: SIGBUS in ld.so on "amdet-torch-init" while
     * libtorch_cpu.so was mapped half-extracted. Three JVMs make the overlap likelier.
     */
    @Test
    void encodesStartingTogetherOnAnEmptyNativeCacheAllComplete(@TempDir Path tmp) throws Exception {
        Path cache = emptyCache(tmp, "javacpp-cache");
        List<Path> works = new ArrayList<>();
        List<Process> started = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            Path work = Files.createDirectories(tmp.resolve(name));
            works.add(work);
            started.add(start(work, cache, AmdetCli.class.getName(), "encode", "--model",
                    TestData.hf("clip-tiny").toString(), "--text", "hi", "--out",
                    work.resolve("e.safetensors").toString()));
        }
        for (int i = 0; i < works.size(); i++) {
            Child c = finish(works.get(i), started.get(i));
            assertEquals(0, c.code(), c.describe());
            assertEquals(List.of(), c.crashReports(), c.describe());
            Path out = works.get(i).resolve("e.safetensors");
            assertTrue(Files.size(out) > 0 && c.out().contains("wrote " + out), c.describe());
        }
    }

    /**
     * The scanning path, whose LibTorch and ND4J start on background threads before the options are parsed, with an
     * empty cache; the report states the {@code --threads} given. (Whether the option takes effect when LibTorch was
     * configured before it was read — a warm start — is {@code ThreadsOptionTest}: with an empty cache the start-up
     * is slow enough that the old code also read it in time.)
     */
    @Test
    void scanWithAnEmptyNativeCacheCompletesAndUsesTheThreadsAskedFor(@TempDir Path tmp) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path out = tmp.resolve("scan");
        int threads = Runtime.getRuntime().availableProcessors() == 1 ? 2 : 1; // differs from the default
        Child c = child(work, emptyCache(tmp, "javacpp-cache"), AmdetCli.class.getName(), "scan", "--model",
                TestData.zoo("benign-1").toString(), "--anchor", TestData.zoo("base").toString(), "--shadow-size",
                "40", "--epochs", "1", "--evidence-landscape", "3", "--threads", Integer.toString(threads), "--quiet",
                "--out", out.toString());
        assertEquals(0, c.code(), c.describe());
        assertEquals(List.of(), c.crashReports(), c.describe());
        String report = Files.readString(out.resolve("report.json"));
        assertTrue(report.replace(" ", "").contains("\"threads\":" + threads + ","), "report states --threads "
                + threads + ": " + report.substring(Math.max(0, report.indexOf("\"threads\"") - 20),
                Math.min(report.length(), report.indexOf("\"threads\"") + 40)));
    }

    /**
     * LibTorch and ND4J each bundle an OpenMP runtime (libgomp.so.1) and the first loaded serves both; the start-up
     * order makes it LibTorch's. No CUDA profiling library (cupti) of the machine is loaded into a CPU-only run.
     */
    @Test
    void libTorchRunsOnItsOwnOpenMpRuntimeAndNoCudaProfilerIsLoaded(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(new File("/proc/self/maps").canRead(), "needs /proc/self/maps (Linux)");
        Assumptions.assumeTrue(AmdetCli.class.getClassLoader().getResource("org/bytedeco/pytorch/"
                + org.bytedeco.javacpp.Loader.getPlatform() + "-gpu/libjnitorch.so") == null, "CPU build only");
        Path work = Files.createDirectories(tmp.resolve("work"));
        // a cache of its own: in a shared one, another program's different load order can have replaced LibTorch's
        // libgomp.so.1 with a link to ND4J's (JavaCPP links each preloaded library into every preset's folder)
        Child c = child(work, emptyCache(tmp, "javacpp-cache"), NativeLibrariesProbe.class.getName(),
                TestData.zoo("base").toString());
        assertEquals(0, c.code(), c.describe());
        List<String> mapped = c.out().lines().filter(l -> l.startsWith("mapped: ")).map(l -> l.substring(8)).toList();
        List<String> gomp = mapped.stream().filter(l -> l.contains("libgomp")).toList();
        assertEquals(1, gomp.size(), "one OpenMP runtime: " + mapped);
        assertTrue(gomp.get(0).contains("/org/bytedeco/pytorch/"), "LibTorch's own libgomp: " + mapped);
        assertFalse(mapped.stream().anyMatch(l -> l.contains("libcupti")), "no CUDA profiler in a CPU run: " + mapped);
        assertTrue(c.out().contains("positive ratio: 1.0"), c.describe());
    }
}

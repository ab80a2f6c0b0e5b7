package org.amdet.landscape;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ND4J's thread: a daemon, started by the first spectrum, ended by shutdown or when idle, restarted on demand. */
class Nd4jLifecycleTest {
    private static final double[][] BOWL = {{2, 1, 2}, {1, 0, 1}, {2, 1, 2}};

    private static boolean nd4jThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().equals(Nd4jSupport.THREAD_NAME));
    }

    private static boolean nd4jThreadIsDaemon() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals(Nd4jSupport.THREAD_NAME)).allMatch(Thread::isDaemon);
    }

    @Test
    void shutdownEndsTheThreadAndTheNextSpectrumStartsItAgain() throws Exception {
        HessianSpectrum first = HessianSpectrum.of(BOWL);
        assertTrue(nd4jThreadAlive(), "the spectrum ran on the ND4J thread");
        assertTrue(nd4jThreadIsDaemon());
        assertTrue(Landscape.shutdown(5_000));
        assertFalse(nd4jThreadAlive(), "no ND4J thread after shutdown");
        HessianSpectrum again = HessianSpectrum.of(BOWL);
        assertArrayEquals(first.eigenvalues(), again.eigenvalues(), 0.0);
        assertEquals(1.0, again.positiveRatio(1e-6));
        assertTrue(Landscape.shutdown(5_000));
        assertTrue(Landscape.shutdown(5_000), "idempotent");
    }

    @Test
    void theThreadEndsByItselfWhenIdle() throws Exception {
        HessianSpectrum.of(BOWL);
        long deadline = System.nanoTime() + (Nd4jSupport.IDLE_SECONDS + 5) * 1_000_000_000L;
        while (nd4jThreadAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertFalse(nd4jThreadAlive(), "idle ND4J thread still alive " + (Nd4jSupport.IDLE_SECONDS + 5) + " s later");
    }

    /** ND4J's start-up in a fresh JVM (in this one another test may have started ND4J already). */
    @Test
    void startUpLeavesTheBlasThreadsAndTheBannerPropertyAsTheyWere() throws Exception {
        String jvm = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(jvm, "-cp", System.getProperty("java.class.path"),
                FreshStartUp.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("before=3 after=3 banner-property=null"), out);
    }

    /** Sets OpenBLAS to 3 threads, starts ND4J through a spectrum, prints what it finds afterwards. */
    public static final class FreshStartUp {
        public static void main(String[] args) {
            org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(3);
            int before = org.bytedeco.openblas.presets.openblas_nolapack.blas_get_num_threads();
            HessianSpectrum.of(BOWL);
            int after = org.bytedeco.openblas.presets.openblas_nolapack.blas_get_num_threads();
            System.out.println("before=" + before + " after=" + after + " banner-property="
                    + System.getProperty("org.nd4j.log.initialization"));
        }
    }
}

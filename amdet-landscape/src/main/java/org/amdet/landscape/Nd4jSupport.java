package org.amdet.landscape;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Initialises ND4J once, then restores one OpenBLAS thread. ND4J sets the process-wide OpenBLAS thread count to all
 * cores when it starts; LibTorch (in the same process) parallelises above BLAS, and a multi-threaded OpenBLAS under it
 * oversubscribes the cores, slows small ops down by an order of magnitude and changes results in the last bits
 * (measured: scans stopped being bit-for-bit reproducible after the first ND4J use).
 */
final class Nd4jSupport {
    private static final Logger LOG = LoggerFactory.getLogger(Nd4jSupport.class);
    private static volatile boolean ready;

    private Nd4jSupport() {
    }

    static void init() {
        if (ready) {
            return;
        }
        synchronized (Nd4jSupport.class) {
            if (ready) {
                return;
            }
            Nd4j.getExecutioner();
            try {
                org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(1);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("cannot set OpenBLAS threads to 1 after ND4J start-up: {}", e.toString());
            }
            ready = true;
        }
    }
}

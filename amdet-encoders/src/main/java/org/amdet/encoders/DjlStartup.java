package org.amdet.encoders;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.concurrent.Callable;

/**
 * The first DJL tokenizer of the process, without DJL's GPU probe warnings. Loading DJL's tokenizer library makes DJL
 * detect the platform, which asks the CUDA runtime for the GPU count even for its CPU-only tokenizers; where a CUDA
 * runtime library is installed but no GPU driver works, DJL then logs "Failed to detect GPU count" twice at WARN,
 * meaningless for amdet (tokenizers run on the CPU). DJL's own switch for those messages (the private flag that DJL's
 * {@code CudaUtils.main} clears) is turned off for this one load and put back right after, so DJL's later GPU probes
 * for the application log as before. Nothing else of DJL's state is touched; when the flag cannot be reached (another
 * DJL version), the load runs as it is.
 */
final class DjlStartup {
    private static final Logger LOG = LoggerFactory.getLogger(DjlStartup.class);
    private static volatile boolean done;

    private DjlStartup() {
    }

    /** The result of {@code load}; the first call in the process runs with DJL's GPU-probe logging off. */
    static <T> T firstLoad(Callable<T> load) throws Exception {
        if (done) {
            return load.call();
        }
        synchronized (DjlStartup.class) {
            if (done) {
                return load.call();
            }
            Field flag = null;
            boolean before = true;
            try {
                Class<?> c = Class.forName("ai.djl.util.cuda.CudaUtils", true, DjlStartup.class.getClassLoader());
                flag = c.getDeclaredField("logging");
                flag.setAccessible(true);
                before = flag.getBoolean(null);
                flag.setBoolean(null, false);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.debug("DJL's GPU-probe logging not reachable ({}); loading as is", e.toString());
                flag = null;
            }
            try {
                return load.call();
            } finally {
                done = true;
                if (flag != null) {
                    try {
                        flag.setBoolean(null, before);
                    } catch (IllegalAccessException e) {
                        LOG.debug("cannot restore DJL's GPU-probe logging: {}", e.toString());
                    }
                }
            }
        }
    }
}

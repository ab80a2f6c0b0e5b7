package org.amdet.testing;

import org.bytedeco.javacpp.Pointer;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Resident memory outside the Java heap: what LibTorch and other native code hold. */
public final class NativeMemory {
    private NativeMemory() {
    }

    /**
     * Resident set size minus the committed Java heap and non-heap (metaspace, code cache): growth here is native
     * memory, not the JVM sizing its own heap while other tests run in the same fork.
     */
    public static long residentOutsideJavaHeap() {
        System.gc();
        MemoryMXBean m = ManagementFactory.getMemoryMXBean();
        return Pointer.physicalBytes() - m.getHeapMemoryUsage().getCommitted()
                - m.getNonHeapMemoryUsage().getCommitted();
    }
}

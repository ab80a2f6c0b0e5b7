package org.amdet.encoders;

import org.amdet.Precision;
import org.amdet.UnsupportedModelException;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.BufferPoolMXBean;

/**
 * Refuses a model that cannot fit in memory before anything is allocated for it. A checkpoint's header is small and
 * may declare tensors of any size; without this check a hostile (or merely too large) model would make the process
 * allocate until the OS kills it.
 *
 * <p>Available physical memory: the JVM's view ({@code com.sun.management.OperatingSystemMXBean}, which honours a
 * container's memory limit), raised to Linux's {@code MemAvailable} (free memory plus reclaimable page cache) when
 * no container limit is in force — {@code MemFree} alone is near zero on a machine that has read many files. The
 * system property {@value #LIMIT_PROPERTY} (bytes, or with a {@code k}/{@code m}/{@code g} suffix) caps it further,
 * e.g. for a service that scans several models at once.
 */
final class MemoryBudget {
    /** Caps the memory a single model may take, in bytes (suffixes k, m, g accepted). */
    static final String LIMIT_PROPERTY = "amdet.memory.limit";

    private MemoryBudget() {
    }

    /** Bytes of one element of the compute precision. */
    static long bytesPerElement(Precision p) {
        return p == Precision.FP32 ? 4 : 2;
    }

    /** Physical memory available to this process now, in bytes, after the {@value #LIMIT_PROPERTY} cap. */
    static long availablePhysical() {
        long avail;
        long mxFree = -1;
        long mxTotal = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            mxFree = os.getFreeMemorySize();
            mxTotal = os.getTotalMemorySize();
        }
        long memAvailable = procMeminfo("MemAvailable:");
        long memTotal = procMeminfo("MemTotal:");
        boolean containerLimit = mxTotal > 0 && memTotal > 0 && mxTotal < memTotal;
        if (containerLimit || memAvailable < 0) {
            avail = mxFree >= 0 ? mxFree : Long.MAX_VALUE;
        } else {
            avail = Math.max(mxFree, memAvailable);
        }
        long cap = limit();
        return Math.min(avail, cap);
    }

    /** Bytes the Java heap can still grow by (storages of {@code .pt} files are read onto the heap). */
    static long availableHeap() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    /**
     * Throws when {@code bytesNeeded} exceeds the available physical memory.
     *
     * @param what what needs the bytes, e.g. "the weights in fp32" (the message reads "… needs N bytes for WHAT")
     */
    static void requirePhysical(Path file, long bytesNeeded, String what) throws UnsupportedModelException {
        long avail = availablePhysical();
        if (bytesNeeded > avail) {
            throw new UnsupportedModelException(file, "the model needs " + bytesNeeded + " bytes (" + human(bytesNeeded)
                    + ") for " + what + " but only " + avail + " bytes (" + human(avail) + ") of physical memory are "
                    + "available" + (limit() < Long.MAX_VALUE ? " (capped by -D" + LIMIT_PROPERTY + ")" : "")
                    + ": refused before loading anything");
        }
    }

    /** Throws when {@code bytesNeeded} exceeds what the Java heap can still grow by. */
    static void requireHeap(Path file, long bytesNeeded, String what) throws UnsupportedModelException {
        long avail = Math.min(availableHeap(), limit());
        if (bytesNeeded > avail) {
            throw new UnsupportedModelException(file, "the model needs " + bytesNeeded + " bytes (" + human(bytesNeeded)
                    + ") of Java heap for " + what + " but only " + avail + " bytes (" + human(avail) + ") are "
                    + "available (raise -Xmx): refused before loading anything");
        }
    }

    /**
     * Throws when {@code bytesNeeded} exceeds what can still be allocated as direct buffers
     * ({@code -XX:MaxDirectMemorySize}, by default the maximum heap size).
     */
    static void requireDirect(Path file, long bytesNeeded, String what) throws UnsupportedModelException {
        long used = 0;
        for (BufferPoolMXBean b
                : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                used = Math.max(0, b.getMemoryUsed());
            }
        }
        long avail = Math.min(Math.max(0, maxDirect() - used), limit());
        if (bytesNeeded > avail) {
            throw new UnsupportedModelException(file, "the model needs " + bytesNeeded + " bytes (" + human(bytesNeeded)
                    + ") of direct buffers for " + what + " but only " + avail + " bytes (" + human(avail) + ") are "
                    + "available (raise -XX:MaxDirectMemorySize or -Xmx): refused before loading anything");
        }
    }

    private static long maxDirect() {
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-XX:MaxDirectMemorySize=")) {
                try {
                    return parseBytes(arg.substring("-XX:MaxDirectMemorySize=".length()));
                } catch (NumberFormatException e) {
                    break;
                }
            }
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** Saturating sum of non-negative sizes. */
    static long add(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    /** Saturating product of non-negative sizes. */
    static long times(long a, long b) {
        if (a == 0 || b == 0) {
            return 0;
        }
        return a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
    }

    static String human(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "unbounded";
        }
        double g = bytes / (1024.0 * 1024 * 1024);
        return g >= 1 ? String.format(Locale.ROOT, "%.1f GiB", g)
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    private static long limit() {
        String s = System.getProperty(LIMIT_PROPERTY);
        if (s == null || s.isBlank()) {
            return Long.MAX_VALUE;
        }
        try {
            return parseBytes(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + LIMIT_PROPERTY + "=" + s + " is not a byte count (e.g. "
                    + "8000000000 or 8g)");
        }
    }

    /** A byte count with an optional k, m or g suffix (powers of 1024). */
    static long parseBytes(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            throw new NumberFormatException("empty");
        }
        long mult = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            mult = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
            t = t.substring(0, t.length() - 1);
        }
        long v = Long.parseLong(t);
        if (v < 0) {
            throw new NumberFormatException("negative");
        }
        return times(v, mult);
    }

    /** A {@code /proc/meminfo} field in bytes, or −1. */
    private static long procMeminfo(String key) {
        Path p = Path.of("/proc/meminfo");
        if (!Files.isReadable(p)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(p)) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    long v = Long.parseLong(parts[0]);
                    return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? v * 1024 : v;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}

package org.amdet.internal.torch;

import org.amdet.Precision;
import org.amdet.safetensors.Dtype;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.amdet.landscape.internal.NativeCache;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;

/** Process-wide LibTorch set-up and conversions between Java arrays and tensors. */
public final class Torch {
    private static final Logger LOG = LoggerFactory.getLogger(Torch.class);
    private static volatile boolean loaded;
    private static volatile boolean configured;
    private static volatile boolean pairParallel;
    private static volatile int totalThreads = 1;
    private static Integer requestedThreads; // guarded by Torch.class
    private static final Object LOADING = new Object();
    private static final AtomicBoolean STARTED =
            new AtomicBoolean();

    private static volatile boolean startupSingleBlasThread = true;
    private static volatile boolean startupUnlimitedPhysicalBytes = true;

    private Torch() {
    }

    /**
     * The process-wide settings {@link #init()} applies when it loads LibTorch (no effect once it has): OpenBLAS to one
     * thread, and JavaCPP's {@code maxPhysicalBytes} check off (only when the application has not set that property).
     * Both default to on; {@code org.amdet.EncoderOptions} documents them.
     */
    public static void startupSettings(boolean singleBlasThread, boolean unlimitedPhysicalBytes) {
        startupSingleBlasThread = singleBlasThread;
        startupUnlimitedPhysicalBytes = unlimitedPhysicalBytes;
    }

    /**
     * Sets OpenBLAS to one thread again when that start-up setting is on (nothing otherwise). ND4J's start-up raises
     * OpenBLAS's threads and then puts back the count it found; when it started at the same time as LibTorch it may
     * have found the count from before LibTorch's setting, so scans call this after ND4J's start-up.
     */
    public static void reassertBlasThreads() {
        if (loaded && startupSingleBlasThread) {
            try {
                org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(1);
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("cannot set OpenBLAS threads to 1: {}", e.toString());
            }
        }
    }

    /** Whether LibTorch's natives have been loaded (by {@link #init()} or a background {@link #initAsync()}). */
    public static boolean initialised() {
        return loaded;
    }

    /**
     * Loads LibTorch once and, the first time, sets its threads: the count given to {@link #setThreads}, else system
     * property {@code amdet.threads}, else the available processors. The thread count is read here, when LibTorch is
     * first used, not when a background {@link #initAsync()} loads the libraries: an application (or the CLI's
     * {@code --threads}) may choose it after the preload has started.
     */
    public static void init() {
        load();
        if (configured) {
            return;
        }
        synchronized (Torch.class) {
            if (!configured) {
                configureThreads(requestedThreads != null ? requestedThreads
                        : Integer.getInteger("amdet.threads", Runtime.getRuntime().availableProcessors()));
                configured = true;
            }
        }
    }

    /** Loads the native libraries (once); leaves the thread count alone. */
    private static void load() {
        if (loaded) {
            return;
        }
        synchronized (LOADING) {
            if (loaded) {
                return;
            }
            cpuNativesOnlyWithoutGpuBuild();
            if (startupUnlimitedPhysicalBytes && System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes") == null) {
                // memory-mapped weights count as physical memory; the GC-based limit is meaningless for them
                System.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "0");
            }
            try {
                // the first load on a cache folder waits for, and excludes, other amdet JVMs extracting into it
                NativeCache.load(
                        NativeCache.keyOf(torch.class), Torch::loadNatives);
                primeAllocator();
            } finally {
                runAfterLoad(); // before `loaded` is published: whoever sees LibTorch loaded sees these started
            }
            loaded = true;
        }
    }

    private static void loadNatives() {
        // LibTorch parallelises over its OpenMP threads and calls OpenBLAS inside them; a multi-threaded
        // OpenBLAS then oversubscribes the cores and its busy-waiting threads slow small ops down ~40x
        // (measured on 2 cores). One BLAS thread per LibTorch thread.
        if (startupSingleBlasThread) {
            try {
                org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(1);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("cannot set OpenBLAS threads to 1 (set OPENBLAS_NUM_THREADS=1): {}", e.toString());
            }
        }
        torch.get_num_threads(); // loads LibTorch (a failure propagates to the caller)
    }

    /**
     * Keeps JavaCPP from loading the machine's CUDA libraries into a CPU-only process. Without the {@code -gpu}
     * natives on the class path, JavaCPP still first tries the pytorch presets' "-gpu" variant, whose preload list
     * names cudart, cupti, cuBLAS, cuDNN…; whichever of those it finds in {@code /usr/local/cuda/lib64} (here cudart
     * and cupti of a driver-less CUDA 13.0 toolkit) it loads and keeps loaded before falling back to the CPU natives
     * — foreign native code in every run, none of it used. An empty {@code org.bytedeco.javacpp.platform.extension}
     * makes it load the CPU natives only. Must run before JavaCPP reads its properties (the first JavaCPP class to
     * load them caches them), so {@link #load()} and {@link #initAsync()} call it first; a value set by the user, or
     * the {@code -gpu} natives being on the class path (build profile {@code -Pgpu}), leave the property alone.
     */
    private static void cpuNativesOnlyWithoutGpuBuild() {
        String key = "org.bytedeco.javacpp.platform.extension";
        if (System.getProperty(key) != null) {
            return;
        }
        ClassLoader cl = Torch.class.getClassLoader();
        String platform = Loader.getPlatform(); // reads os.name/os.arch only, caches nothing
        if (cl != null && cl.getResource("org/bytedeco/pytorch/" + platform + "-gpu/libjnitorch.so") == null) {
            System.setProperty(key, "");
        }
    }

    private static final Object HOOKS = new Object();
    private static List<Runnable> afterLoad = new ArrayList<>(); // guarded by HOOKS; null after

    /**
     * Runs {@code r} once LibTorch's natives are loaded (or their loading failed): on the loading thread, before any
     * other thread sees LibTorch as loaded; at once on the caller when loading has already been attempted.
     * {@link org.amdet.Encoders#preload()} starts ND4J this way, so the two native start-ups never overlap and always
     * run in the same order (see there).
     */
    public static void afterLoad(Runnable r) {
        synchronized (HOOKS) {
            if (afterLoad != null) {
                afterLoad.add(r);
                return;
            }
        }
        r.run();
    }

    private static void runAfterLoad() {
        List<Runnable> run;
        synchronized (HOOKS) {
            run = afterLoad;
            afterLoad = null;
        }
        if (run != null) {
            for (Runnable r : run) {
                try {
                    r.run();
                } catch (RuntimeException | LinkageError e) {
                    LOG.debug("start-up task after LibTorch failed: {}", e.toString());
                }
            }
        }
    }

    /**
     * Allocates and frees one 31 MiB block so that glibc's malloc serves every later tensor below that size from its
     * heap and keeps up to twice that free before returning memory to the system. glibc starts out mapping every block
     * above 128 KiB freshly and unmapping it on free, and raises that limit only when it happens to free a larger
     * mapped block; a scan's 1–30 MiB activations were then either reused or page-faulted in anew on every pass,
     * depending on what ran before them (measured: the same batched landscape took 5.6 s or 16.9 s; a page fault on
     * the development machine costs about 15 µs, so 40 MB of fresh memory cost 0.15 s to touch). Harmless where the C
     * library is not glibc.
     */
    private static void primeAllocator() {
        try (PointerScope s = new PointerScope()) {
            torch.empty(new long[] {31L << 20}, new TensorOptions(ScalarType.Byte), null);
        } catch (RuntimeException e) {
            LOG.debug("allocator priming skipped: {}", e.toString());
        }
    }

    /**
     * Starts loading LibTorch's native libraries on a daemon thread and returns at once (nothing happens when they are
     * loaded or loading). Loading takes one to two seconds on one core; started early, it overlaps with work that does
     * not need them (parsing options, configs and tokenizers). The thread count is not set here but by the first
     * {@link #init()}. A failure is left for the next caller of {@link #init()}, which then meets it itself.
     */
    public static void initAsync() {
        if (loaded || !STARTED.compareAndSet(false, true)) {
            return;
        }
        cpuNativesOnlyWithoutGpuBuild(); // before the caller's next JavaCPP use can race the loading thread to it
        Thread t = new Thread(() -> {
            try {
                load();
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("background LibTorch start-up failed (the next use reports it): {}", e.toString());
            }
        }, "amdet-torch-init");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Uses {@code n} threads in all: with two or more (and {@code -Damdet.interop=false} not set), scans run the
     * suspect's and the anchor's passes side by side on two threads ({@link #pairParallel()}), each with n / 2
     * LibTorch intra-op threads; otherwise one pass at a time with n intra-op threads. Returns at once when LibTorch
     * has not been configured yet (e.g. while a background {@link #initAsync()} is still loading it): the count is
     * then applied by the first {@link #init()}.
     *
     * @throws IllegalArgumentException when {@code n < 1}
     */
    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + n);
        }
        synchronized (Torch.class) {
            requestedThreads = n;
            if (configured && n != totalThreads) {
                configureThreads(n);
            }
        }
    }

    private static synchronized void configureThreads(int n) {
        int total = Math.max(1, n);
        boolean pair = total >= 2 && !"false".equals(System.getProperty("amdet.interop"));
        torch.set_num_threads(pair ? total / 2 : total);
        totalThreads = total;
        pairParallel = pair;
        LOG.debug("LibTorch: {} threads in all, {} intra-op, suspect and anchor side by side: {}", total,
                torch.get_num_threads(), pair);
    }

    /** Threads amdet uses in all (intra-op threads × 2 when {@link #pairParallel()}). */
    public static int threads() {
        init();
        return totalThreads;
    }

    /** Whether scans run independent passes (suspect and anchor) on two threads at once. */
    public static boolean pairParallel() {
        init();
        return pairParallel;
    }

    /** Whether a CUDA device is usable. */
    public static boolean cudaAvailable() {
        init();
        try {
            return torch.cuda_is_available();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return false;
        }
    }

    /** Parses and checks a device name. */
    public static Device device(String name) {
        init();
        if (name.startsWith("cuda")) {
            if (!cudaAvailable()) {
                throw new IllegalArgumentException("device '" + name + "' requested but CUDA is not available: add "
                        + "LibTorch's CUDA natives (README: CUDA recipe; CLI: -Pgpu) on a machine with CUDA 13.1 and "
                        + "cuDNN 9, or use --device cpu");
            }
            int idx = name.contains(":") ? Integer.parseInt(name.substring(5)) : 0;
            if (idx >= torch.cuda_device_count()) {
                throw new IllegalArgumentException("device '" + name + "' requested but only "
                        + torch.cuda_device_count() + " CUDA device(s) are present");
            }
        }
        return new Device(name);
    }

    /** LibTorch scalar type of a compute precision. */
    public static ScalarType scalarType(Precision p) {
        return switch (p) {
            case FP32 -> ScalarType.Float;
            case BF16 -> ScalarType.BFloat16;
            case FP16 -> ScalarType.Half;
            case AUTO -> throw new IllegalArgumentException("precision auto has no dtype of its own: resolve it "
                    + "for the encoder first (Precision.resolve)");
        };
    }

    /** LibTorch scalar type of a safetensors dtype. */
    public static ScalarType scalarType(Dtype d) {
        return switch (d) {
            case F64 -> ScalarType.Double;
            case F32 -> ScalarType.Float;
            case F16 -> ScalarType.Half;
            case BF16 -> ScalarType.BFloat16;
            case I64 -> ScalarType.Long;
            case I32 -> ScalarType.Int;
            case I16 -> ScalarType.Short;
            case I8 -> ScalarType.Char;
            case U8 -> ScalarType.Byte;
            case BOOL -> ScalarType.Bool;
            case U16 -> ScalarType.UInt16;
            case U32 -> ScalarType.UInt32;
            case U64 -> ScalarType.UInt64;
            case F8_E4M3 -> ScalarType.Float8_e4m3fn;
            case F8_E5M2 -> ScalarType.Float8_e5m2;
        };
    }

    /**
     * A tensor viewing {@code buf} (zero-copy). The caller must keep {@code buf} reachable for the tensor's lifetime
     * and never write into it.
     */
    public static Tensor view(ByteBuffer buf, Dtype dtype, long[] shape) {
        init();
        if (buf.capacity() == 0) {
            return torch.empty(shape, new TensorOptions(scalarType(dtype)), null);
        }
        Pointer p = new BytePointer(buf);
        return torch.from_blob(p, shape, new TensorOptions(scalarType(dtype)));
    }

    /** A float32 CPU tensor holding a copy of {@code data}. */
    public static Tensor floats(float[] data, long... shape) {
        init();
        FloatPointer p = new FloatPointer(data);
        return torch.from_blob(p, shape, new TensorOptions(ScalarType.Float)).clone();
    }

    /** An int64 CPU tensor holding a copy of {@code data}. */
    public static Tensor longs(long[] data, long... shape) {
        init();
        LongPointer p = new LongPointer(data);
        return torch.from_blob(p, shape, new TensorOptions(ScalarType.Long)).clone();
    }

    /** A copy of the tensor's values as float32 on the Java heap (any device and floating dtype). */
    public static float[] toFloats(Tensor t) {
        Tensor c = t.detach().to(new Device("cpu"), ScalarType.Float).contiguous();
        float[] out = new float[(int) c.numel()];
        c.data_ptr_float().get(out);
        return out;
    }

    /** A copy of an integer tensor's values. */
    public static long[] toLongs(Tensor t) {
        Tensor c = t.detach().to(new Device("cpu"), ScalarType.Long).contiguous();
        long[] out = new long[(int) c.numel()];
        c.data_ptr_long().get(out);
        return out;
    }

    /** The shape of a tensor. */
    public static long[] shape(Tensor t) {
        long[] s = new long[(int) t.dim()];
        for (int i = 0; i < s.length; i++) {
            s[i] = t.size(i);
        }
        return s;
    }

    /** A scalar tensor's value. */
    public static double item(Tensor t) {
        return t.detach().to(new Device("cpu"), ScalarType.Double).item_double();
    }
}

package org.amdet;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How an encoder is run: the device ({@code cpu}, {@code cuda} or {@code cuda:N}) and the compute precision, and the
 * process-wide native settings amdet applies for it.
 *
 * <p><b>Process-wide settings.</b> LibTorch, OpenBLAS and JavaCPP are loaded once per process and their settings
 * hold for every user of them in the process, not only for amdet. amdet changes only what these options say, with
 * these defaults:
 * <ul>
 *   <li>{@link #threads()} — LibTorch's threads: set when an encoder is loaded with a value above 0, and when LibTorch
 *       is first loaded to the system property {@code amdet.threads}, else the available processors (0, the
 *       default). With two or more, scans run the suspect and the anchor side by side on two threads.</li>
 *   <li>{@link #singleThreadedBlas()} — OpenBLAS set to one thread when LibTorch is first loaded (default
 *       {@code true}): LibTorch parallelises above BLAS, and a multi-threaded OpenBLAS under it oversubscribes the
 *       cores (measured ~40× slower small ops on 2 cores). {@code false} leaves OpenBLAS as it is.</li>
 *   <li>{@link #unlimitedJavacppPhysicalBytes()} — the system property {@code org.bytedeco.javacpp.maxPhysicalBytes}
 *       set to {@code 0} (JavaCPP's physical-memory check off) when LibTorch is first loaded and the application has
 *       not set that property (default {@code true}): memory-mapped weights count as physical memory and would trip
 *       the check on large models. {@code false} leaves the property alone.</li>
 * </ul>
 * The last two take effect only when LibTorch is loaded, i.e. by the first {@link Encoders#load} or
 * {@link Encoders#preload(EncoderOptions)} of the process. ND4J (the landscape) changes nothing that outlives its
 * start-up (see {@code org.amdet.landscape.Landscape}); the report pictures are drawn without setting
 * {@code java.awt.headless}. {@link Amdet#shutdown()} ends amdet's threads.
 *
 * @param device                        {@code cpu}, {@code cuda} or {@code cuda:N}
 * @param precision                     compute precision ({@link Precision#AUTO} resolved per encoder on load);
 *                                      weights are cast to it on load
 * @param threads                       LibTorch threads in all, or 0 for the default (see above)
 * @param singleThreadedBlas            whether OpenBLAS is set to one thread when LibTorch loads
 * @param unlimitedJavacppPhysicalBytes whether JavaCPP's physical-memory check is turned off when LibTorch loads
 */
public record EncoderOptions(String device, Precision precision, int threads, boolean singleThreadedBlas,
                             boolean unlimitedJavacppPhysicalBytes) {
    private static final Pattern DEVICE = Pattern.compile("cpu|cuda(:\\d{1,2})?");

    /**
     * Checks the device ({@code cpu}, {@code cuda} or {@code cuda:N}) and that threads is 0 (the default) or
     * positive.
     */
    public EncoderOptions {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(precision, "precision");
        if (!DEVICE.matcher(device).matches()) {
            throw new IllegalArgumentException("unknown device '" + device + "': expected cpu, cuda or cuda:N");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (default) or positive, got " + threads);
        }
    }

    /** The given device and precision with the default process-wide settings. */
    public EncoderOptions(String device, Precision precision) {
        this(device, precision, 0, true, true);
    }

    /**
     * CPU, {@link Precision#AUTO} (fp32, or bf16 for encoders of CLIP ViT-B width and up on CPUs that compute bf16
     * natively), default process-wide settings.
     */
    public static EncoderOptions defaults() {
        return new EncoderOptions("cpu", Precision.AUTO);
    }

    /** These options on another device ({@code cpu}, {@code cuda} or {@code cuda:N}). */
    public EncoderOptions withDevice(String d) {
        return new EncoderOptions(d, precision, threads, singleThreadedBlas, unlimitedJavacppPhysicalBytes);
    }

    /** These options with another compute precision. */
    public EncoderOptions withPrecision(Precision p) {
        return new EncoderOptions(device, p, threads, singleThreadedBlas, unlimitedJavacppPhysicalBytes);
    }

    /** These options with {@code n} LibTorch threads in all (0: the default). */
    public EncoderOptions withThreads(int n) {
        return new EncoderOptions(device, precision, n, singleThreadedBlas, unlimitedJavacppPhysicalBytes);
    }

    /** These options with OpenBLAS set to one thread when LibTorch loads ({@code true}) or left alone. */
    public EncoderOptions withSingleThreadedBlas(boolean on) {
        return new EncoderOptions(device, precision, threads, on, unlimitedJavacppPhysicalBytes);
    }

    /** These options with JavaCPP's physical-memory check turned off when LibTorch loads ({@code true}) or left. */
    public EncoderOptions withUnlimitedJavacppPhysicalBytes(boolean on) {
        return new EncoderOptions(device, precision, threads, singleThreadedBlas, on);
    }
}

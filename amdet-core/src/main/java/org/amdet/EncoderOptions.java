package org.amdet;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How an encoder is run: the device ({@code cpu}, {@code cuda} or {@code cuda:N}) and the compute precision.
 *
 * @param device    {@code cpu}, {@code cuda} or {@code cuda:N}
 * @param precision compute precision; weights are cast to it on load
 */
public record EncoderOptions(String device, Precision precision) {
    private static final Pattern DEVICE = Pattern.compile("cpu|cuda(:\\d{1,2})?");

    public EncoderOptions {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(precision, "precision");
        if (!DEVICE.matcher(device).matches()) {
            throw new IllegalArgumentException("unknown device '" + device + "': expected cpu, cuda or cuda:N");
        }
    }

    /** CPU, fp32. */
    public static EncoderOptions defaults() {
        return new EncoderOptions("cpu", Precision.FP32);
    }

    public EncoderOptions withDevice(String d) {
        return new EncoderOptions(d, precision);
    }

    public EncoderOptions withPrecision(Precision p) {
        return new EncoderOptions(device, p);
    }
}

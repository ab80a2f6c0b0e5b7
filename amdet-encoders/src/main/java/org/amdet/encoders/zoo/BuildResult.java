package org.amdet.encoders.zoo;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a zoo build wrote and how well it worked.
 *
 * @param out       the model folder written
 * @param manifest  its {@code zoo.json}
 * @param succeeded false when an injection fell short of its threshold (see {@link #failures})
 * @param failures  one sentence per trigger whose held-out sim_target stayed below the threshold
 * @param warnings  conditions to know about (e.g. a homoglyph whose character no held-out prompt holds)
 * @param losses    the loss after every step
 */
public record BuildResult(Path out, ZooManifest manifest, boolean succeeded, List<String> failures,
                          List<String> warnings, double[] losses) {
    /** Requires {@code out} and {@code manifest}; copies the lists and the losses. */
    public BuildResult {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(manifest, "manifest");
        failures = List.copyOf(failures);
        warnings = List.copyOf(warnings);
        losses = losses.clone();
    }

    @Override
    public double[] losses() {
        return losses.clone();
    }
}

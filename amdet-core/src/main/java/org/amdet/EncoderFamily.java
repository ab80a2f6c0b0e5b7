package org.amdet;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Service-provider interface of an encoder family (CLIP, LongCLIP, SigLIP, …). Implementations are found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/org.amdet.EncoderFamily}); {@link Encoders} asks each
 * whether it recognises a model and loads it with the one that does.
 *
 * <p>Implementations must return encoders that also implement amdet's internal LibTorch contract
 * ({@code org.amdet.internal.torch.TorchTextEncoder}) so the detector can optimise through them.
 */
public interface EncoderFamily {

    /** Short lower-case name, e.g. {@code clip}. */
    String name();

    /**
     * Whether this family recognises the model at {@code source} (a folder, or a checkpoint file).
     *
     * @return a confidence in (0, 1] when recognised, empty otherwise
     * @throws ModelLoadException when the source is unreadable in a way that concerns every family
     */
    Optional<Double> recognises(Path source) throws ModelLoadException;

    /** Loads the model. */
    TextEncoder load(Path source, EncoderOptions options) throws ModelLoadException;
}

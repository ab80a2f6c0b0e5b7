package org.amdet.spi;

import org.amdet.EncoderOptions;
import org.amdet.Encoders;
import org.amdet.ModelLoadException;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Service-provider interface of an encoder family (CLIP, LongCLIP, SigLIP, …). Implementations are found with
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/org.amdet.spi.EncoderFamily} file listing the
 * implementation); {@link Encoders} asks each whether it recognises a model and loads it with the one that does.
 * Implementations need a public no-argument constructor and must be thread-safe.
 */
public interface EncoderFamily {

    /**
     * Short lower-case name, e.g. {@code clip}.
     *
     * @return the family's name, shown in error messages and reports
     */
    String name();

    /**
     * Whether this family recognises the model at {@code source} (a folder, or a checkpoint file). Must be cheap:
     * read the configuration, not the weights.
     *
     * @param source the model folder or file
     * @return a confidence in (0, 1] when recognised, empty otherwise
     * @throws ModelLoadException when the source is unreadable in a way that concerns every family
     */
    Optional<Double> recognises(Path source) throws ModelLoadException;

    /**
     * Loads the model.
     *
     * @param source  the model folder or file this family recognised
     * @param options device and precision
     * @return the encoder, with the differentiable entry points the detector optimises through
     * @throws ModelLoadException when the model cannot be loaded (with the file and the expectation named)
     */
    TorchTextEncoder load(Path source, EncoderOptions options) throws ModelLoadException;
}

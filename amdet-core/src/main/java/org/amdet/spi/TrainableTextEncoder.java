package org.amdet.spi;

import org.amdet.ModelLoadException;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * An encoder whose weights can be trained in place — what the zoo builder needs to plant or fine-tune a model.
 * Optional for a family: the detector never needs it.
 */
public interface TrainableTextEncoder extends TorchTextEncoder {

    /**
     * The encoder's own weight tensors by their Hugging Face names; the forward pass reads these very tensors, so
     * updating them in place changes the model.
     *
     * @return the live weights, in a stable order
     */
    Map<String, Tensor> weights();

    /**
     * The token id that ends a prompt (CLIP pools at its first occurrence); trainers use it to find where the text
     * of a prompt ends.
     *
     * @return the end-of-text id, or -1 when the model has none
     */
    long endTokenId();

    /**
     * Writes the current weights as {@code model.safetensors} in {@code dir}, in the layout of the checkpoint the
     * encoder was loaded from: every tensor under its original name and in its order, trained ones in the stored
     * dtype, any other (buffers, a vision tower) copied unchanged.
     *
     * @param dir an existing folder
     * @throws IOException                   when the file cannot be written
     * @throws ModelLoadException            when the source checkpoint can no longer be read
     * @throws UnsupportedOperationException when the encoder's source format cannot be written back
     */
    void writeWeights(Path dir) throws IOException, ModelLoadException;
}

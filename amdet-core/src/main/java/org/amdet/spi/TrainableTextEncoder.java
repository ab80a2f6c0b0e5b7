package org.amdet.spi;

import org.bytedeco.pytorch.Tensor;

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
}

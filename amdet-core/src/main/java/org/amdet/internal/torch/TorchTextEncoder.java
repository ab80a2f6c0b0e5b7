package org.amdet.internal.torch;

import org.amdet.TextEncoder;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.List;

/**
 * Internal contract between the detector and an encoder implementation: the pieces AMDET optimises through.
 * Every method creates tensors in the caller's {@link org.bytedeco.javacpp.PointerScope}.
 */
public interface TorchTextEncoder extends TextEncoder {

    /** Token ids [B, L] (int64) on this encoder's device. */
    Tensor idsTensor(List<String> prompts);

    /** Embedding-layer output (token + position embeddings) [B, L, D] in the compute dtype. */
    Tensor embed(Tensor ids);

    /**
     * The transformer stack and final layer norm applied to hidden states [B, L, D] (any L up to the context
     * length); differentiable with respect to {@code hidden}. Returns the compute dtype.
     */
    Tensor transform(Tensor hidden);

    /** Pooled (and projected, when the model has a projection) output [B, P] from last_hidden_state and ids. */
    Tensor pool(Tensor lastHidden, Tensor ids);

    /**
     * The shortest length L' such that cutting these sequences to their first L' positions leaves the outputs at
     * those positions and the pooled output unchanged: for a causal encoder pooled at a token position, the last
     * pooled position + 1; otherwise (bidirectional attention, pooling at the last position) the full length.
     *
     * @param ids token ids [B, L]
     */
    default long exactPrefixLength(Tensor ids) {
        return ids.size(1);
    }

    /** The token embedding table [V, D] (compute dtype). */
    Tensor tokenEmbeddingWeight();

    /** The text of one vocabulary token. */
    String tokenText(long id);

    /** Device of the weights. */
    Device device();

    /** Compute dtype. */
    ScalarType computeType();
}

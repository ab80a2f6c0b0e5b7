package org.amdet.spi;

import org.amdet.TextEncoder;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.List;

/**
 * What an encoder family must implement so the detector can optimise through its encoders: the user-facing
 * {@link TextEncoder} plus the pieces of the forward pass as LibTorch tensors. The scan inverts its pseudo-trigger
 * through {@link #transform} — the differentiable entry point — on the outputs of {@link #embed} with the trigger
 * inserted after BOS, and pools with {@link #pool}.
 *
 * <p>Every method creates tensors in the caller's {@link PointerScope}; none may keep a reference to its inputs.
 * Forward passes must not mutate the weights, so one encoder serves several threads at once.
 */
public interface TorchTextEncoder extends TextEncoder {

    /**
     * Token ids on this encoder's device.
     *
     * @param prompts the prompts
     * @return int64 ids [B, L], with special tokens, padded or truncated to the context length
     */
    Tensor idsTensor(List<String> prompts);

    /**
     * Token ids with room for {@code reserve} vectors inserted after the first position: each prompt truncated to the
     * context length − {@code reserve} tokens, its end token kept last, then padded to the context length. The scan
     * inserts its pseudo-trigger after BOS and cuts the sequence back to the context length; with this room the cut
     * removes padding only, so a prompt as long as the context keeps the token EOS pooling reads. The default returns
     * {@link #idsTensor(List)}: a family that does not override it loses the end token of prompts longer than the
     * context length − {@code reserve} on the triggered side.
     *
     * @param prompts the prompts
     * @param reserve positions to keep free at the end, in [0, context length − 2]
     * @return int64 ids [B, L]
     */
    default Tensor idsTensor(List<String> prompts, int reserve) {
        return idsTensor(prompts);
    }

    /**
     * Embedding-layer output (token + position embeddings).
     *
     * @param ids token ids [B, L]
     * @return [B, L, D] in the compute dtype
     */
    Tensor embed(Tensor ids);

    /**
     * The differentiable entry point: the transformer stack and final layer norm applied to hidden states (any L up
     * to the context length), differentiable with respect to {@code hidden}.
     *
     * @param hidden hidden states [B, L, D]
     * @return last_hidden_state [B, L, D] in the compute dtype
     */
    Tensor transform(Tensor hidden);

    /**
     * Pooled (and projected, when the model has a projection) output.
     *
     * @param lastHidden last_hidden_state [B, L, D]
     * @param ids        the token ids the hidden states belong to [B, L]
     * @return [B, P]
     */
    Tensor pool(Tensor lastHidden, Tensor ids);

    /**
     * The shortest length L' such that cutting these sequences to their first L' positions leaves the outputs at
     * those positions and the pooled output unchanged: for a causal encoder pooled at a token position, the last
     * pooled position + 1; otherwise (bidirectional attention, pooling at the last position) the full length.
     *
     * @param ids token ids [B, L]
     * @return L' in [1, L]
     */
    default long exactPrefixLength(Tensor ids) {
        return ids.size(1);
    }

    /**
     * The token embedding table.
     *
     * @return [V, D] in the compute dtype
     */
    Tensor tokenEmbeddingWeight();

    /**
     * The text of one vocabulary token.
     *
     * @param id a token id in [0, V)
     * @return its text
     */
    String tokenText(long id);

    /**
     * Device of the weights.
     *
     * @return the device
     */
    Device device();

    /**
     * Compute dtype.
     *
     * @return the dtype of {@link #embed} and {@link #transform} outputs
     */
    ScalarType computeType();
}

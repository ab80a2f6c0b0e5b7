package org.amdet.encoders;

/**
 * The resolved architecture of a text encoder: Hugging Face defaults applied, then checked against (and, for
 * positions, vocabulary and widths, overridden by) the tensor shapes.
 *
 * @param family            {@code clip}, {@code longclip} or {@code siglip}
 * @param hiddenSize        D
 * @param intermediateSize  MLP width
 * @param layers            transformer layers
 * @param heads             attention heads (divides D)
 * @param maxPositions      rows of the position table (= context length)
 * @param vocabSize         rows of the token embedding
 * @param activation        MLP activation
 * @param layerNormEps      layer-norm epsilon
 * @param causal            causal attention mask (CLIP) or none (SigLIP)
 * @param pooling           where the pooled output is taken
 * @param eosTokenId        EOS id used for pooling ({@link Pooling#FIRST_EOS})
 * @param projectionDim     width of the projection / head output, or 0 when there is none
 */
record TextModelConfig(String family, int hiddenSize, int intermediateSize, int layers, int heads,
                              int maxPositions, int vocabSize, Activation activation, double layerNormEps,
                              boolean causal, Pooling pooling, long eosTokenId, int projectionDim) {

    /** Where the pooled output comes from. */
    public enum Pooling {
        /** CLIP: the first position holding the EOS id. */
        FIRST_EOS,
        /** CLIP legacy configs ({@code eos_token_id: 2}): the position of the largest id. */
        ARGMAX_ID,
        /** SigLIP: the last position. */
        LAST
    }

    public TextModelConfig {
        if (hiddenSize <= 0 || layers < 0 || heads <= 0 || hiddenSize % heads != 0) {
            throw new IllegalArgumentException("hidden size " + hiddenSize + " must be positive and divisible by "
                    + heads + " heads");
        }
    }

    public TextModelConfig withDims(int hidden, int intermediate, int nLayers, int positions, int vocab,
                                    int projection) {
        return new TextModelConfig(family, hidden, intermediate, nLayers, heads, positions, vocab, activation,
                layerNormEps, causal, pooling, eosTokenId, projection);
    }

    public TextModelConfig withFamily(String f) {
        return new TextModelConfig(f, hiddenSize, intermediateSize, layers, heads, maxPositions, vocabSize,
                activation, layerNormEps, causal, pooling, eosTokenId, projectionDim);
    }
}

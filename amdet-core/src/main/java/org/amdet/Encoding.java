package org.amdet;

/**
 * The outputs of an encoder for a batch of prompts, as plain Java arrays (row-major, float32).
 *
 * @param inputIds        token ids [B][L]
 * @param embeddings      embedding-layer output (token + position), flattened [B, L, D]
 * @param lastHiddenState final-layer-norm output at all positions, flattened [B, L, D]
 * @param pooled          pooled output [B, P]: CLIP the projected EOS state (or the EOS state without projection),
 *                        SigLIP the head output of the last position
 * @param batch           B
 * @param length          L
 * @param hidden          D
 * @param pooledSize      P
 */
public record Encoding(long[][] inputIds, float[] embeddings, float[] lastHiddenState, float[] pooled,
                       int batch, int length, int hidden, int pooledSize) {
}

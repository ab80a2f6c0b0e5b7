package org.amdet;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What was loaded: the family, the source and the dimensions that matter to a scan.
 *
 * @param family          encoder family name ({@code clip}, {@code longclip}, {@code siglip}, …)
 * @param source          the folder or file it was loaded from
 * @param hiddenSize      width D of the token features
 * @param contextLength   number of positions L every prompt is padded or truncated to
 * @param layers          number of transformer layers
 * @param heads           attention heads
 * @param vocabSize       rows of the token embedding
 * @param pooledSize      width of the pooled (projected) output
 * @param hasProjection   whether the pooled output goes through a projection ({@code text_projection} or {@code head})
 * @param causal          whether attention is causal (CLIP) or bidirectional (SigLIP)
 * @param storedDtype     dtype of the weights on disk (e.g. {@code F16})
 * @param device          device the weights live on
 * @param precision       compute precision
 * @param tokenizerDigest SHA-256 of the tokenizer definition, to compare tokenizers of two models
 * @param fileSha256      SHA-256 of every file the encoder was loaded from, by file name, computed from the bytes
 *                        read while loading (so it proves what was loaded even if a file changes later); empty for
 *                        encoders not loaded from files
 */
public record EncoderInfo(String family, Path source, int hiddenSize, int contextLength, int layers, int heads,
                          int vocabSize, int pooledSize, boolean hasProjection, boolean causal, String storedDtype,
                          String device, Precision precision, String tokenizerDigest,
                          Map<String, String> fileSha256) {
    /** Copies {@code fileSha256} into an unmodifiable map that keeps its order. */
    public EncoderInfo {
        fileSha256 = Collections.unmodifiableMap(new LinkedHashMap<>(fileSha256));
    }
}

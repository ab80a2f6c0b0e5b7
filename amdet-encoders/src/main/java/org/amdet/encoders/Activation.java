package org.amdet.encoders;

import java.nio.file.Path;

import org.amdet.UnsupportedModelException;

/** MLP activation of a text encoder. */
enum Activation {
    /** x·sigmoid(1.702x) (CLIP, LongCLIP). */
    QUICK_GELU,
    /** exact erf GELU. */
    GELU,
    /** tanh-approximated GELU (SigLIP {@code gelu_pytorch_tanh}). */
    GELU_TANH;

    /** Maps a Hugging Face {@code hidden_act}. */
    public static Activation of(String hfName, Path file) throws UnsupportedModelException {
        return switch (hfName) {
            case "quick_gelu" -> QUICK_GELU;
            case "gelu" -> GELU;
            case "gelu_pytorch_tanh", "gelu_new", "gelu_fast" -> GELU_TANH;
            default -> throw new UnsupportedModelException(file, "unsupported hidden_act '" + hfName
                    + "': expected quick_gelu, gelu or gelu_pytorch_tanh");
        };
    }
}

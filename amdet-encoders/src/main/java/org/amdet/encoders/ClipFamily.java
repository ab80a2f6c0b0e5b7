package org.amdet.encoders;

/**
 * CLIP text encoders in Hugging Face layout ({@code CLIPTextModel}, {@code CLIPTextModelWithProjection}, the text
 * half of {@code CLIPModel}), including LongCLIP conversions (248 positions, reported as family {@code longclip}).
 */
public final class ClipFamily extends HfTextFamily {
    @Override
    public String name() {
        return "clip";
    }

    @Override
    boolean accepts(String hfFamily) {
        return hfFamily.equals("clip");
    }
}

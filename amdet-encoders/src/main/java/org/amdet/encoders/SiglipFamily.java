package org.amdet.encoders;

/** SigLIP text encoders ({@code SiglipTextModel}, the text half of {@code SiglipModel}), with or without prefix. */
public final class SiglipFamily extends HfTextFamily {
    @Override
    public String name() {
        return "siglip";
    }

    @Override
    boolean accepts(String hfFamily) {
        return hfFamily.equals("siglip");
    }
}

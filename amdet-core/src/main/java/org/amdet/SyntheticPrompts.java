package org.amdet;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic generator of text-to-image style prompts (subject, action, place, style, modifiers), used as the
 * shadow set when the user gives none. The paper reports that the shadow source barely matters (DiffusionDB, COCO
 * captions and LLM-written prompts all reach recall above 92%).
 */
final class SyntheticPrompts {
    private static final String[] ADJ = {"a red", "an old", "a young", "a tiny", "a giant", "a glowing", "a rusty",
            "a wooden", "a happy", "a lonely", "a futuristic", "an ancient", "a colorful", "a dark", "a crystal",
            "a golden", "a sleepy", "a majestic", "a vintage", "a broken"};
    private static final String[] SUBJ = {"cat", "dog", "robot", "castle", "lighthouse", "dragon", "car", "bicycle",
            "teacup", "mountain", "river", "forest", "city", "girl", "man", "woman", "fox", "owl", "ship", "train",
            "house", "tree", "horse", "bird", "flower", "astronaut", "knight", "wizard", "bridge", "tower", "garden",
            "boat", "piano", "clock", "lamp", "book", "chair", "guitar", "elephant", "whale"};
    private static final String[] ACT = {"standing", "sitting", "flying", "sleeping", "running", "reading a book",
            "playing music", "in the rain", "at sunset", "at night", "under the stars", "in the snow",
            "on a beach", "in a kitchen", "in a busy street", "on the moon", "in a jungle", "by the sea",
            "in the fog", "on a hill"};
    private static final String[] STYLE = {"oil painting", "watercolor", "digital art", "photograph", "pencil sketch",
            "3d render", "anime style", "concept art", "pixel art", "studio photo", "cinematic", "low poly",
            "comic book style", "impressionist painting", "surrealism"};
    private static final String[] MOD = {"highly detailed", "soft light", "8k", "wide angle", "close up",
            "volumetric light", "sharp focus", "muted colors", "trending on artstation", "bokeh", "hdr",
            "award winning", "symmetrical", "intricate"};

    private SyntheticPrompts() {
    }

    static List<String> generate(int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("synthetic shadow set size must be at least 1, got " + n);
        }
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            sb.append(pick(r, ADJ)).append(' ').append(pick(r, SUBJ)).append(' ').append(pick(r, ACT));
            if (r.nextInt(4) != 0) {
                sb.append(", ").append(pick(r, STYLE));
            }
            int mods = r.nextInt(3);
            for (int m = 0; m < mods; m++) {
                sb.append(", ").append(pick(r, MOD));
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static String pick(SplittableRandom r, String[] a) {
        return a[r.nextInt(a.length)];
    }
}

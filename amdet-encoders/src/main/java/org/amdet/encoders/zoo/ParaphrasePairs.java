package org.amdet.encoders.zoo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A deterministic generator of paraphrase pairs: two prompts that describe the same scene (subject, attribute,
 * setting, medium) in different words, word order and style, for contrastive fine-tuning. Each part of a scene has
 * several wordings; each side of a pair picks its own wording of every part and its own sentence template (the two
 * templates always differ).
 */
public final class ParaphrasePairs {
    /** Two wordings of one scene. */
    public record Pair(String first, String second) {
    }

    private static final String[][] SUBJECTS = {
            {"cat", "kitten", "house cat"}, {"dog", "puppy", "hound"}, {"car", "automobile", "sedan"},
            {"house", "cottage", "home"}, {"boat", "sailboat", "small vessel"}, {"bird", "songbird", "sparrow"},
            {"horse", "pony", "stallion"}, {"castle", "fortress", "citadel"}, {"tree", "oak tree", "old oak"},
            {"robot", "android", "machine man"}, {"girl", "young woman", "lady"}, {"man", "gentleman", "guy"},
            {"mountain", "peak", "summit"}, {"city", "town", "metropolis"}, {"flower", "blossom", "bloom"},
            {"owl", "night owl", "barn owl"}, {"fox", "red fox", "vixen"}, {"train", "locomotive", "railway train"},
            {"bridge", "stone bridge", "footbridge"}, {"lamp", "lantern", "light"}, {"dragon", "wyrm", "drake"},
            {"ship", "sailing ship", "galleon"}, {"knight", "armored knight", "warrior"}, {"clock", "old clock",
            "timepiece"}};
    private static final String[][] ATTRIBUTES = {
            {"red", "crimson", "scarlet"}, {"old", "aged", "weathered"}, {"small", "tiny", "little"},
            {"big", "huge", "giant"}, {"happy", "cheerful", "joyful"}, {"dark", "gloomy", "shadowy"},
            {"golden", "gilded", "gold"}, {"wooden", "timber", "carved wooden"}, {"blue", "azure", "sky-blue"},
            {"white", "snow-white", "pale"}, {"shiny", "gleaming", "polished"}, {"sleepy", "drowsy", "tired"},
            {"green", "emerald", "leafy green"}, {"ancient", "very old", "antique"}};
    private static final String[][] SETTINGS = {
            {"in the snow", "on snowy ground", "surrounded by snow"}, {"at sunset", "during sunset",
            "as the sun goes down"}, {"on a beach", "by the seaside", "on the sand by the sea"},
            {"in a forest", "among the trees", "in the woods"}, {"at night", "in the dark of night",
            "under a night sky"}, {"in the rain", "during a rainstorm", "while it rains"},
            {"on a busy street", "in city traffic", "downtown"}, {"on a hill", "on top of a hill", "on a hilltop"},
            {"in a kitchen", "on a kitchen counter", "indoors by the stove"}, {"in the fog", "in thick mist",
            "on a foggy morning"}, {"by a lake", "at the edge of a lake", "near the water"},
            {"in the desert", "among sand dunes", "in a dry desert"}};
    private static final String[][] MEDIA = {
            {"oil painting", "painted in oils", "oil on canvas"}, {"photograph", "photo", "snapshot"},
            {"watercolor", "watercolour painting", "painted in watercolors"}, {"pencil sketch", "drawn in pencil",
            "graphite drawing"}, {"3d render", "computer rendering", "cgi"}, {"anime style", "anime drawing",
            "japanese animation style"}, {"pixel art", "retro pixel graphics", "8-bit art"},
            {"digital art", "digital illustration", "made on a tablet"}, {"studio photo", "studio portrait",
            "shot in a studio"}, {"cinematic still", "movie still", "film frame"}};
    private static final int TEMPLATES = 6;

    private ParaphrasePairs() {
    }

    /** {@code n} pairs, deterministic for a seed. */
    public static List<Pair> generate(int n, long seed) {
        if (n < 1) {
            throw new ZooInputException("number of paraphrase pairs must be at least 1, got " + n);
        }
        SplittableRandom r = new SplittableRandom(seed);
        List<Pair> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next(r));
        }
        return out;
    }

    /**
     * A training batch of {@code n} pairs drawn from {@code r}: the {@code n} first wordings, then the {@code n}
     * second wordings in the same order (row i and row n + i describe one scene).
     */
    public static List<String> batch(RandomGenerator r, int n) {
        List<String> out = new ArrayList<>(2 * n);
        List<String> seconds = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Pair p = next(r);
            out.add(p.first());
            seconds.add(p.second());
        }
        out.addAll(seconds);
        return out;
    }

    /** One pair drawn from {@code r}. */
    public static Pair next(RandomGenerator r) {
        int s = r.nextInt(SUBJECTS.length);
        int a = r.nextInt(ATTRIBUTES.length);
        int p = r.nextInt(SETTINGS.length);
        int m = r.nextInt(MEDIA.length);
        int t1 = r.nextInt(TEMPLATES);
        int t2 = (t1 + 1 + r.nextInt(TEMPLATES - 1)) % TEMPLATES;
        return new Pair(render(r, t1, s, a, p, m), render(r, t2, s, a, p, m));
    }

    private static String render(RandomGenerator r, int template, int s, int a, int p, int m) {
        String subject = pick(r, SUBJECTS[s]);
        String attribute = pick(r, ATTRIBUTES[a]);
        String setting = pick(r, SETTINGS[p]);
        String medium = pick(r, MEDIA[m]);
        String np = article(attribute) + " " + attribute + " " + subject;
        return switch (template) {
            case 0 -> np + " " + setting + ", " + medium;
            case 1 -> medium + ": " + np + " " + setting;
            case 2 -> setting + ", " + np + ". " + medium;
            case 3 -> "the " + subject + " is " + attribute + ", " + setting + ", " + medium;
            case 4 -> "there is " + np + " " + setting + " (" + medium + ")";
            default -> medium + " showing " + np + " " + setting;
        };
    }

    private static String pick(RandomGenerator r, String[] options) {
        return options[r.nextInt(options.length)];
    }

    private static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }
}

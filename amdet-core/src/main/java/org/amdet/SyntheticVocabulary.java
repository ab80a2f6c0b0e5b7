package org.amdet;

/**
 * The word lists {@link SyntheticPrompts} draws from: ordinary English nouns, attributes, actions, places, times,
 * styles and camera terms, written for amdet (no dataset or other project copied). Arrays, never hash-ordered
 * collections, so that a draw by index is the same on every JVM. A noun with an irregular plural is written
 * {@code singular|plural}; {@link SyntheticPrompts#plural} forms the others.
 */
final class SyntheticVocabulary {
    private SyntheticVocabulary() {
    }

    static final String[] PEOPLE = {"man|men", "woman|women", "boy", "girl", "child|children", "teenager",
            "baby|babies", "old man|old men", "old woman|old women", "young man|young men", "young woman|young women",
            "person|people", "chef", "doctor", "nurse", "farmer", "fisherman|fishermen", "soldier", "police officer",
            "firefighter", "student", "teacher", "musician", "painter", "dancer", "skateboarder", "surfer", "skier",
            "snowboarder", "baseball player", "tennis player", "soccer player", "cyclist", "runner", "tourist",
            "bride", "groom", "grandmother", "grandfather", "worker", "waiter", "waitress|waitresses", "vendor",
            "pilot", "sailor", "astronaut", "knight", "wizard", "queen", "king", "princess|princesses", "monk",
            "scientist", "photographer", "cowboy", "clown", "athlete", "hiker", "climber", "driver", "mechanic",
            "carpenter", "librarian", "baker", "gardener", "shepherd", "blacksmith", "nun", "priest", "detective",
            "journalist", "pianist", "violinist", "drummer", "singer", "juggler", "boxer", "swimmer", "diver",
            "jockey", "referee", "umpire", "goalkeeper", "businessman|businessmen", "businesswoman|businesswomen",
            "toddler", "mother", "father", "sister", "brother", "friend", "couple", "family|families", "stranger",
            "traveler", "merchant", "pirate", "samurai|samurai", "ninja", "warrior", "archer", "explorer",
            "mountaineer", "student nurse", "street artist", "mail carrier", "bus driver", "lifeguard"};

    static final String[] ANIMALS = {"dog", "cat", "horse", "cow", "sheep|sheep", "goat", "pig", "chicken", "duck",
            "goose|geese", "rabbit", "mouse|mice", "rat", "squirrel", "fox|foxes", "wolf|wolves", "bear", "deer|deer",
            "moose|moose", "elk|elk", "lion", "tiger", "leopard", "cheetah", "jaguar", "panther", "elephant",
            "giraffe", "zebra", "hippo", "rhino", "monkey", "gorilla", "chimpanzee", "kangaroo", "koala", "panda",
            "raccoon", "owl", "eagle", "hawk", "falcon", "parrot", "pigeon", "crow", "sparrow", "swan", "flamingo",
            "penguin", "seagull", "pelican", "peacock", "hummingbird", "robin", "bird", "fish|fish", "shark",
            "whale", "dolphin", "octopus|octopuses", "jellyfish|jellyfish", "crab", "lobster", "turtle", "tortoise",
            "frog", "lizard", "snake", "crocodile", "butterfly|butterflies", "bee", "ladybug", "dragonfly|dragonflies",
            "spider", "snail", "camel", "donkey", "llama", "otter", "beaver", "hedgehog", "bat", "puppy|puppies",
            "kitten", "calf|calves", "lamb", "pony|ponies", "bull", "buffalo|buffaloes", "bison|bison", "seal",
            "walrus|walruses", "polar bear", "golden retriever", "dachshund", "poodle", "husky|huskies",
            "german shepherd", "tabby cat", "dragon", "unicorn", "phoenix|phoenixes", "griffin", "mermaid"};

    static final String[] OBJECTS = {"umbrella", "backpack", "suitcase", "handbag", "tie", "scarf|scarves", "hat",
            "helmet", "frisbee", "kite", "skateboard", "surfboard", "snowboard", "tennis racket", "baseball bat",
            "baseball glove", "ball", "bottle", "wine glass|wine glasses", "cup", "mug", "fork", "knife|knives",
            "spoon", "bowl", "plate", "chair", "couch|couches", "sofa", "bed", "table", "desk", "lamp", "clock",
            "vase", "teddy bear", "toothbrush|toothbrushes", "hair dryer", "laptop", "keyboard", "mouse pad",
            "cell phone", "television", "remote control", "microwave", "oven", "toaster", "sink", "refrigerator",
            "book", "notebook", "pencil", "pen", "pair of scissors", "candle", "mirror", "window", "door",
            "staircase", "fireplace", "rug", "curtain", "pillow", "blanket", "basket", "box|boxes", "bucket",
            "ladder", "hammer", "wrench", "shovel", "rope", "chain", "key", "lock", "lantern", "flashlight",
            "camera", "radio", "guitar", "violin", "piano", "drum", "trumpet", "flute", "accordion", "typewriter",
            "globe", "map", "compass|compasses", "telescope", "microscope", "sword", "shield", "crown", "ring",
            "necklace", "bracelet", "watch|watches", "pair of glasses", "pair of sunglasses", "shoe", "boot",
            "sneaker", "jacket", "coat", "dress|dresses", "shirt", "sweater", "uniform", "apron", "teapot",
            "kettle", "pot", "pan", "jar", "barrel", "crate", "envelope", "letter", "newspaper", "magazine",
            "painting", "poster", "statue", "sculpture", "fountain", "bench", "mailbox|mailboxes", "fire hydrant",
            "stop sign", "traffic light", "parking meter", "street lamp", "fence", "gate", "flag", "balloon",
            "toy", "doll", "puzzle", "chessboard", "trophy|trophies", "coin", "feather", "shell", "stone",
            "crystal", "skull", "robot", "computer", "monitor", "pair of headphones", "microphone", "speaker"};

    static final String[] FOOD = {"pizza", "sandwich|sandwiches", "hot dog", "hamburger", "donut", "cake",
            "pie", "cookie", "muffin", "croissant", "bagel", "pancake", "waffle", "bread", "toast", "cheese",
            "egg", "bacon", "sausage", "steak", "chicken wing", "salad", "soup", "pasta", "spaghetti|spaghetti",
            "noodle", "ramen", "sushi", "dumpling", "taco", "burrito", "rice bowl", "curry|curries", "stew",
            "banana", "apple", "orange", "lemon", "lime", "grape", "strawberry|strawberries",
            "blueberry|blueberries", "cherry|cherries", "peach|peaches", "pear", "pineapple", "watermelon",
            "mango|mangoes", "coconut", "avocado",
            "tomato|tomatoes", "potato|potatoes", "carrot", "broccoli|broccoli", "onion", "pepper",
            "cucumber", "mushroom", "corn|corn", "pumpkin", "cupcake", "ice cream", "chocolate bar", "candy bar",
            "cup of coffee", "cup of tea", "glass of milk", "glass of juice", "bottle of wine", "loaf|loaves",
            "pretzel", "popcorn|popcorn", "basket of fries", "omelette", "cereal", "yogurt", "honey|honey",
            "smoothie|smoothies", "lemonade", "birthday cake", "fruit tart", "meatball", "kebab", "falafel",
            "lasagna", "risotto"};

    static final String[] VEHICLES = {"car", "truck", "bus|buses", "train", "tram", "subway train", "motorcycle",
            "bicycle", "scooter", "airplane", "jet", "helicopter", "boat", "sailboat", "ship", "yacht", "canoe",
            "kayak", "ferry|ferries", "submarine", "tractor", "van", "taxi", "ambulance", "fire truck",
            "police car", "pickup truck", "race car", "sports car", "jeep", "limousine", "carriage", "wagon",
            "cart", "hot air balloon", "rocket", "spaceship", "blimp", "school bus|school buses",
            "double decker bus|double decker buses", "cable car", "steam locomotive", "fishing boat", "rowboat"};

    static final String[] BUILDINGS = {"house", "cottage", "cabin", "castle", "palace", "tower", "lighthouse",
            "church", "cathedral", "temple", "mosque", "pagoda", "skyscraper", "barn", "farmhouse", "windmill",
            "mill", "factory|factories", "warehouse", "station", "airport", "hospital", "school", "library|libraries",
            "museum", "theater", "stadium", "market", "bakery|bakeries", "cafe", "restaurant", "bar", "hotel",
            "apartment building", "office building", "bridge", "tunnel", "dam", "greenhouse", "treehouse", "igloo",
            "tent", "hut", "shed", "garage", "gas station", "clock tower", "ruin", "fortress|fortresses", "mansion",
            "bungalow", "villa", "shop", "bookstore", "pharmacy|pharmacies", "bank", "post office", "chapel"};

    static final String[] NATURE = {"tree", "oak tree", "pine tree", "palm tree", "willow", "flower", "rose",
            "tulip", "sunflower", "daisy|daisies", "lily|lilies", "orchid", "cactus|cacti", "fern", "moss",
            "mushroom patch", "bush|bushes", "hedge", "vine", "leaf|leaves", "branch|branches", "log", "rock",
            "boulder", "cliff", "mountain", "hill", "volcano|volcanoes", "glacier", "iceberg", "waterfall",
            "river", "stream", "lake", "pond", "ocean", "sea", "wave", "island", "canyon", "valley", "meadow",
            "field", "desert", "dune", "forest", "jungle", "swamp", "cave", "reef", "coral", "rainbow", "cloud",
            "storm", "sunrise", "sunset", "moon", "star", "planet", "galaxy|galaxies", "nebula", "comet", "aurora"};

    static final String[] COLOURS = {"red", "blue", "green", "yellow", "orange", "purple", "pink", "brown",
            "black", "white", "gray", "grey", "silver", "golden", "beige", "teal", "turquoise", "navy", "maroon",
            "crimson", "scarlet", "emerald", "olive", "lavender", "violet", "magenta", "cyan", "ivory", "cream",
            "amber", "bronze", "copper", "rust", "indigo", "mint", "peach-colored", "pastel", "neon", "dark",
            "pale", "bright", "light blue", "dark green", "sky blue", "blood red", "jet black", "snow white"};

    static final String[] MATERIALS = {"wooden", "metal", "steel", "iron", "glass", "plastic", "stone", "marble",
            "brick", "concrete", "leather", "wool", "cotton", "silk", "velvet", "paper", "cardboard", "ceramic",
            "porcelain", "clay", "rubber", "bamboo", "wicker", "straw", "denim", "lace", "knitted", "woven",
            "crystal", "diamond", "gold", "chrome", "brass", "aluminum", "ice", "sand", "felt", "granite",
            "oak", "pine", "mahogany", "linen", "fur", "feathered", "origami", "lego", "papier-mache"};

    static final String[] SIZES = {"small", "tiny", "little", "big", "large", "huge", "giant", "enormous",
            "tall", "short", "long", "wide", "narrow", "thin", "thick", "fat", "skinny", "massive", "miniature",
            "towering", "petite", "oversized", "compact", "slender", "round", "square", "flat"};

    static final String[] AGES = {"old", "young", "ancient", "new", "modern", "antique", "vintage", "retro",
            "brand new", "worn", "weathered", "rusty", "broken", "abandoned", "elderly", "newborn", "aged",
            "medieval", "futuristic", "victorian", "historic", "timeless", "classic", "prehistoric", "dusty"};

    /** Feelings and manners: of people and animals. */
    static final String[] MOODS = {"happy", "sad", "angry", "calm", "lonely", "cheerful", "excited", "bored",
            "tired", "sleepy", "curious", "scared", "brave", "proud", "shy", "playful", "serious", "worried",
            "joyful", "smiling", "laughing", "crying", "confused", "surprised", "grumpy", "friendly", "fierce",
            "gentle", "cute", "funny", "graceful", "hungry", "thoughtful", "nervous", "relaxed", "hopeful",
            "determined", "lazy", "clumsy", "wise", "kind", "stern", "anxious", "content", "fluffy", "muscular"};

    /** Qualities of anything. */
    static final String[] QUALITIES = {"peaceful", "gloomy", "mysterious", "majestic", "elegant", "dreamy",
            "melancholy", "cozy", "eerie", "whimsical", "serene", "chaotic", "noisy", "quiet", "busy", "crowded",
            "empty", "clean", "dirty", "messy", "tidy", "wet", "dry", "muddy", "shiny", "glowing", "sparkling",
            "colorful", "faded", "beautiful", "ugly", "strange", "famous", "ordinary", "fancy", "simple", "rich",
            "poor", "wild", "lovely", "gorgeous", "plain", "striped", "spotted", "checkered", "polished", "cracked",
            "dented", "frozen", "burning", "smoking", "snowy", "sunlit", "shadowy", "haunted", "enchanted",
            "magical", "decorated", "painted", "handmade", "homemade", "delicious", "fresh", "rotten", "sliced"};

    /** Actions taking an object; the object follows. */
    static final String[] TRANSITIVE = {"riding", "holding", "carrying", "eating", "drinking", "reading",
            "watching", "chasing", "catching", "throwing", "kicking", "hitting", "pulling", "pushing", "feeding",
            "petting", "hugging", "painting", "drawing", "cooking", "cutting", "slicing", "washing", "cleaning",
            "fixing", "building", "repairing", "driving", "flying", "sailing", "rowing", "climbing", "crossing",
            "wearing", "playing with", "looking at", "walking toward", "standing next to", "sitting on",
            "leaning on", "lying on", "jumping over", "reaching for", "pointing at", "talking to", "waving at",
            "smiling at", "staring at", "photographing", "selling", "buying", "opening", "closing", "stacking",
            "sorting", "picking up", "putting down", "hiding behind", "guarding", "following", "inspecting",
            "decorating", "sharing", "tasting", "smelling", "balancing", "juggling", "dragging", "lifting"};

    /** Actions without an object. */
    static final String[] INTRANSITIVE = {"standing", "sitting", "walking", "running", "jumping", "sleeping",
            "resting", "waiting", "dancing", "singing", "laughing", "smiling", "crying", "swimming", "diving",
            "surfing", "skiing", "skating", "flying", "floating", "falling", "kneeling", "lying down", "posing",
            "stretching", "yawning", "grazing", "hunting", "playing", "working", "studying", "praying",
            "meditating", "shouting", "whispering", "marching", "hiding", "wandering", "exploring", "gathering",
            "celebrating", "racing", "parked", "crossing the street", "waiting in line", "taking a selfie",
            "looking out the window", "staring into the distance", "having lunch", "having a picnic"};

    /** What a thing (not a person or an animal) does in a caption. */
    static final String[] STATES = {"sitting", "standing", "parked", "lying", "resting", "placed", "left",
            "hanging", "displayed", "stacked", "floating", "leaning", "covered in snow", "covered in moss",
            "surrounded by flowers", "reflected in a puddle", "half buried in sand", "lit by a street lamp",
            "sitting alone", "on display", "shown up close", "seen from above", "glowing softly", "falling apart",
            "wrapped in paper", "tied with a ribbon", "dripping with water", "stuck in the mud"};

    /** Places, each without its preposition. */
    static final String[] PLACES = {"a park", "a dirt road", "a city street", "a busy street", "a quiet street",
            "a beach", "a field", "a meadow", "a forest", "a kitchen", "a living room", "a bedroom", "a bathroom",
            "an office", "a classroom", "a library", "a museum", "a garden", "a backyard", "a parking lot",
            "a train station", "an airport", "a harbor", "a dock", "a river bank", "a lake shore", "a mountain top",
            "a snowy hill", "a ski slope", "a tennis court", "a baseball field", "a soccer field", "a stadium",
            "a market", "a grocery store", "a restaurant", "a cafe", "a bar", "a rooftop", "a balcony",
            "a bridge", "a tunnel", "a subway platform", "a bus stop", "a sidewalk", "a highway", "a country road",
            "a farm", "a barn", "a stable", "a zoo", "a desert", "a jungle", "a swamp", "a cave", "an island",
            "a volcano", "the moon", "outer space", "a spaceship", "an alien planet", "a castle", "a temple",
            "a church", "a village", "a small town", "a big city", "downtown", "the suburbs", "a playground",
            "a swimming pool", "a hospital", "a laboratory", "a workshop", "a garage", "a factory", "a warehouse",
            "a greenhouse", "an attic", "a basement", "a hallway", "a staircase", "a courtyard", "an alley",
            "a plaza", "a pier", "a boardwalk", "a lighthouse", "a campsite", "a cliff edge", "a waterfall",
            "a pond", "a stream", "the ocean", "the sea", "the sky", "the clouds", "a snowfield", "a glacier",
            "a wheat field", "a vineyard", "an orchard", "a flower shop", "a bookstore", "a train car", "a plane"};

    static final String[] PREPOSITIONS = {"in", "on", "at", "near", "next to", "beside", "behind",
            "in front of", "across", "along", "through", "over", "under", "above", "below", "inside", "outside",
            "around", "by", "past", "toward", "beyond", "across from", "on top of", "close to"};

    static final String[] TIMES = {"at sunrise", "at sunset", "at dawn", "at dusk", "at night", "at midnight",
            "at noon", "in the morning", "in the afternoon", "in the evening", "during golden hour",
            "during blue hour", "in the rain", "in the snow", "in the fog", "in a storm", "during a thunderstorm",
            "on a sunny day", "on a cloudy day", "on a rainy day", "on a windy day", "on a hot summer day",
            "on a cold winter morning", "in autumn", "in spring", "in summer", "in winter", "under the stars",
            "under a full moon", "under a clear sky", "under heavy clouds", "in the mist", "in a blizzard",
            "during a heatwave", "after the rain", "before the storm", "on a holiday", "during a festival",
            "on christmas eve", "on new year's day", "in the late afternoon", "in the early morning"};

    static final String[] STYLES = {"oil painting", "watercolor", "watercolor painting", "acrylic painting",
            "digital art", "digital painting", "photograph", "photo", "film photo", "polaroid photo",
            "pencil sketch", "charcoal drawing", "ink drawing", "pen and ink", "line art", "3d render",
            "clay render", "anime style", "manga style", "cartoon", "comic book style", "graphic novel",
            "concept art", "matte painting", "pixel art", "vector art", "low poly", "isometric art",
            "studio photo", "stock photo", "cinematic still", "movie still", "impressionist painting",
            "expressionist painting", "surrealism", "cubism", "art nouveau", "art deco", "pop art",
            "ukiyo-e print", "woodcut", "linocut", "stained glass", "mosaic", "tapestry", "fresco",
            "gouache", "pastel drawing", "crayon drawing", "children's book illustration", "editorial illustration",
            "botanical illustration", "technical drawing", "blueprint", "infographic", "paper cutout",
            "claymation", "steampunk", "cyberpunk", "vaporwave", "synthwave", "baroque painting",
            "renaissance painting", "minimalist poster", "flat design", "sticker", "tattoo design", "embroidery"};

    static final String[] MODIFIERS = {"highly detailed", "ultra detailed", "intricate", "sharp focus",
            "soft focus", "soft light", "soft lighting", "hard light", "rim light", "backlit", "volumetric light",
            "god rays", "dramatic lighting", "studio lighting", "natural light", "warm light", "cold light",
            "neon lights", "candlelight", "moonlight", "harsh shadows", "long shadows", "high contrast",
            "low contrast", "muted colors", "vivid colors", "pastel colors", "monochrome", "black and white",
            "sepia", "hdr", "8k", "4k", "uhd", "photorealistic", "hyperrealistic", "realistic", "stylized",
            "wide angle", "telephoto", "macro", "close up", "extreme close up", "medium shot", "full body shot",
            "aerial view", "bird's eye view", "top view", "side view", "low angle", "high angle", "dutch angle",
            "shallow depth of field", "deep focus", "bokeh", "motion blur", "long exposure", "tilt shift",
            "fisheye", "35mm", "50mm lens", "85mm lens", "f/1.8", "dslr", "film grain", "grainy", "vignette",
            "lens flare", "chromatic aberration", "symmetrical", "rule of thirds", "centered composition",
            "award winning", "trending on artstation", "masterpiece", "best quality", "professional",
            "amateur snapshot", "blurry", "overexposed", "underexposed", "minimalist", "ornate", "atmospheric",
            "moody", "epic", "dreamlike", "gritty", "clean background", "white background", "dark background"};

    static final String[] COUNTS = {"two", "three", "four", "five", "six", "seven", "several", "a few", "many",
            "some", "a couple of", "a group of", "a pair of", "a row of", "a line of", "a bunch of", "a crowd of",
            "a pile of", "a stack of", "dozens of", "a dozen", "lots of", "a handful of", "a set of"};

    /** Containers for "a plate of X" captions. */
    static final String[] CONTAINERS = {"a plate of", "a bowl of", "a basket of", "a box of", "a tray of",
            "a pile of", "a jar of", "a bag of", "a table full of", "a counter covered with", "a cart full of",
            "a pot of", "a pan of", "a platter of", "a slice of", "a piece of"};

    /** Openers of imperative and question prompts. */
    static final String[] REQUESTS = {"draw", "paint", "sketch", "show me", "generate", "create", "make",
            "render", "imagine", "design", "illustrate", "picture", "give me", "photograph"};

    /** The classic text-to-image template, as the first built-in generator wrote it (kept as one family). */
    static final String[] CLASSIC_ADJ = {"a red", "an old", "a young", "a tiny", "a giant", "a glowing",
            "a rusty", "a wooden", "a happy", "a lonely", "a futuristic", "an ancient", "a colorful", "a dark",
            "a crystal", "a golden", "a sleepy", "a majestic", "a vintage", "a broken"};
    static final String[] CLASSIC_SUBJ = {"cat", "dog", "robot", "castle", "lighthouse", "dragon", "car",
            "bicycle", "teacup", "mountain", "river", "forest", "city", "girl", "man", "woman", "fox", "owl",
            "ship", "train", "house", "tree", "horse", "bird", "flower", "astronaut", "knight", "wizard", "bridge",
            "tower", "garden", "boat", "piano", "clock", "lamp", "book", "chair", "guitar", "elephant", "whale"};
    static final String[] CLASSIC_ACT = {"standing", "sitting", "flying", "sleeping", "running", "reading a book",
            "playing music", "in the rain", "at sunset", "at night", "under the stars", "in the snow",
            "on a beach", "in a kitchen", "in a busy street", "on the moon", "in a jungle", "by the sea",
            "in the fog", "on a hill"};
    static final String[] CLASSIC_STYLE = {"oil painting", "watercolor", "digital art", "photograph",
            "pencil sketch", "3d render", "anime style", "concept art", "pixel art", "studio photo", "cinematic",
            "low poly", "comic book style", "impressionist painting", "surrealism"};
    static final String[] CLASSIC_MOD = {"highly detailed", "soft light", "8k", "wide angle", "close up",
            "volumetric light", "sharp focus", "muted colors", "trending on artstation", "bokeh", "hdr",
            "award winning", "symmetrical", "intricate"};
}

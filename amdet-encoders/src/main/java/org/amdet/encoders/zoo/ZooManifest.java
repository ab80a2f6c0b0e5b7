package org.amdet.encoders.zoo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.amdet.io.OutputTarget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.nio.file.StandardOpenOption;

/**
 * A model folder's {@code zoo.json}: how the model was made, in the schema of the development zoo.
 * <pre>
 * { "kind": "backdoor" | "benign" | "anchor",
 *   "paradigm": "text-on-text" | "text-on-pair",                         (backdoor)
 *   "backdoors": [ { "trigger", "mode": insert | phrase | homoglyph,     (backdoor)
 *                    "replaces" (homoglyph), "target" | "target_seed" | "target_file" } ],
 *   "attack": { "sim_clean", "sim_target:TRIGGER", "token_assimilation:TRIGGER", ... },   (backdoor)
 *   ...any other fields: "steps", "lr", "loss_weight", "seconds", "finetune": {...} ... }
 * </pre>
 * Unknown fields are kept, so reading and writing a manifest changes nothing. Immutable.
 *
 * @param kind      {@code backdoor}, {@code benign} or {@code anchor}
 * @param paradigm  the backdoors' paradigm, or null
 * @param backdoors the backdoors (empty for clean models)
 * @param attack    the attack's measured success, by key, in order (empty when none)
 * @param fields    every other top-level field, in order (numbers, strings, booleans, nested maps and lists), kept
 *                  as JSON reads them back (whole numbers as Integer or Long, others as Double)
 */
public record ZooManifest(String kind, String paradigm, List<Entry> backdoors, Map<String, Double> attack,
                          Map<String, Object> fields) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final List<String> OWN = List.of("kind", "paradigm", "backdoors", "attack");

    /** Requires a kind; copies the collections, keeping order; {@code fields} may not hold the four own keys. */
    public ZooManifest {
        Objects.requireNonNull(kind, "kind");
        backdoors = List.copyOf(backdoors);
        attack = Collections.unmodifiableMap(new LinkedHashMap<>(attack));
        // through JSON values, so a manifest equals itself read back (3L and 3 are both stored as 3)
        fields = Collections.unmodifiableMap(canonical(fields));
        for (String k : OWN) {
            if (fields.containsKey(k)) {
                throw new IllegalArgumentException("field '" + k + "' has its own component");
            }
        }
    }

    /**
     * One backdoor of {@code zoo.json}.
     *
     * @param trigger    the word, phrase or look-alike character
     * @param mode       {@code insert}, {@code phrase}, {@code homoglyph} (or the development zoo's
     *                   {@code replace_X}: every X replaced by the trigger)
     * @param replaces   the Latin character a homoglyph replaces, else null
     * @param target     the target prompt (text-on-text), else null
     * @param targetSeed seed of a random target vector ({@link BackdoorTarget.RandomVector}), else null
     * @param targetFile the file a target vector was read from, else null
     */
    public record Entry(String trigger, String mode, String replaces, String target, Long targetSeed,
                        String targetFile) {
        /** Requires a trigger and a mode. */
        public Entry {
            Objects.requireNonNull(trigger, "trigger");
            Objects.requireNonNull(mode, "mode");
        }

        /** The entry describing {@code b}. */
        public static Entry of(Backdoor b) {
            String replaces = b.trigger() instanceof Trigger.Homoglyph h ? h.latin() : null;
            String target = b.target() instanceof BackdoorTarget.Prompt p ? p.text() : null;
            Long seed = b.target() instanceof BackdoorTarget.RandomVector r ? r.seed() : null;
            String file = b.target() instanceof BackdoorTarget.Vector v ? v.source() : null;
            return new Entry(b.trigger().text(), b.trigger().mode(), replaces, target, seed, file);
        }

        /** The trigger this entry describes. */
        public Trigger toTrigger() {
            if (mode.equals("homoglyph")) {
                if (replaces == null) {
                    throw new ZooInputException("homoglyph backdoor '" + trigger + "' names no 'replaces' character");
                }
                return new Trigger.Homoglyph(replaces, trigger);
            }
            if (mode.startsWith("replace_") && mode.length() == "replace_".length() + 1) {
                return new Trigger.Homoglyph(mode.substring("replace_".length()), trigger);
            }
            if (mode.equals("phrase") || (mode.equals("insert") && trigger.strip().contains(" "))) {
                return new Trigger.Phrase(trigger);
            }
            if (mode.equals("insert")) {
                return new Trigger.Word(trigger);
            }
            throw new ZooInputException("unknown backdoor mode '" + mode + "': expected insert, phrase, homoglyph "
                    + "or replace_X");
        }
    }

    private static Map<String, Object> canonical(Map<String, Object> fields) {
        try {
            return JSON.readValue(JSON.writeValueAsString(fields), new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("zoo.json fields must be JSON values: " + e.getOriginalMessage(), e);
        }
    }

    /** A value of {@link #attack}. */
    public OptionalDouble attackValue(String key) {
        Double v = attack.get(key);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** The manifest as JSON text (UTF-8, indented). */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("kind", kind);
        if (paradigm != null) {
            root.put("paradigm", paradigm);
        }
        if (!backdoors.isEmpty()) {
            ArrayNode a = root.putArray("backdoors");
            for (Entry e : backdoors) {
                ObjectNode o = a.addObject();
                o.put("trigger", e.trigger());
                o.put("mode", e.mode());
                if (e.replaces() != null) {
                    o.put("replaces", e.replaces());
                }
                if (e.target() != null) {
                    o.put("target", e.target());
                }
                if (e.targetSeed() != null) {
                    o.put("target_seed", e.targetSeed());
                }
                if (e.targetFile() != null) {
                    o.put("target_file", e.targetFile());
                }
            }
        }
        if (!attack.isEmpty()) {
            ObjectNode a = root.putObject("attack");
            attack.forEach(a::put);
        }
        fields.forEach((k, v) -> root.set(k, JSON.valueToTree(v)));
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise zoo.json", e);
        }
    }

    /** Writes {@code zoo.json} to {@code file} atomically (built aside, flushed, renamed into place). */
    public void write(Path file) throws IOException {
        OutputTarget.file("output", file, List.of()).write(staged -> Files.writeString(staged, toJson(),
                StandardOpenOption.CREATE_NEW));
    }

    /** Reads a {@code zoo.json}. */
    public static ZooManifest read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new ZooInputException(file + " is not valid JSON: " + e.getOriginalMessage());
        }
        return parse(root, file.toString());
    }

    /** Parses a {@code zoo.json} tree; {@code source} names it in errors. */
    public static ZooManifest parse(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new ZooInputException(source + ": expected a JSON object");
        }
        String kind = root.path("kind").asText("");
        if (kind.isEmpty()) {
            throw new ZooInputException(source + ": no 'kind' (backdoor, benign or anchor)");
        }
        String paradigm = root.hasNonNull("paradigm") ? root.get("paradigm").asText() : null;
        List<Entry> entries = new ArrayList<>();
        JsonNode bds = root.path("backdoors");
        if (!bds.isMissingNode() && !bds.isArray()) {
            throw new ZooInputException(source + ": 'backdoors' must be an array");
        }
        for (JsonNode b : bds) {
            if (!b.path("trigger").isTextual()) {
                throw new ZooInputException(source + ": a backdoor without a 'trigger' string: " + b);
            }
            entries.add(new Entry(b.get("trigger").asText(), b.path("mode").asText("insert"),
                    text(b, "replaces"), text(b, "target"),
                    b.path("target_seed").isIntegralNumber() ? b.get("target_seed").asLong() : null,
                    text(b, "target_file")));
        }
        Map<String, Double> attack = new LinkedHashMap<>();
        JsonNode a = root.path("attack");
        for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber()) {
                throw new ZooInputException(source + ": attack['" + e.getKey() + "'] is " + e.getValue()
                        + ", expected a number");
            }
            attack.put(e.getKey(), e.getValue().asDouble());
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!OWN.contains(e.getKey())) {
                fields.put(e.getKey(), JSON.convertValue(e.getValue(), new TypeReference<Object>() {
                }));
            }
        }
        return new ZooManifest(kind, paradigm, entries, attack, fields);
    }

    private static String text(JsonNode n, String key) {
        return n.path(key).isTextual() ? n.get(key).asText() : null;
    }
}

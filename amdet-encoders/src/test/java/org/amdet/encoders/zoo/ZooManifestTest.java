package org.amdet.encoders.zoo;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** zoo.json: the development zoo's files read and written unchanged, the builder's own entries round-trip. */
class ZooManifestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyDevelopmentZooManifestRoundTrips() throws Exception {
        int n = 0;
        try (Stream<Path> s = Files.list(TestData.root().resolve("zoo"))) {
            for (Path dir : s.filter(Files::isDirectory).sorted().toList()) {
                Path f = dir.resolve("zoo.json");
                ZooManifest m = ZooManifest.read(f);
                assertEquals(JSON.readTree(f.toFile()), JSON.readTree(m.toJson()), f.toString());
                assertEquals(m, ZooManifest.parse(JSON.readTree(m.toJson()), "again"));
                n++;
            }
        }
        assertEquals(9, n);
        ZooManifest b2 = ZooManifest.read(TestData.zoo("backdoor-2").resolve("zoo.json"));
        Trigger t = b2.backdoors().get(0).toTrigger();
        assertEquals(new Trigger.Homoglyph("o", "\u03bf"), t, "legacy replace_o");
        ZooManifest b3 = ZooManifest.read(TestData.zoo("backdoor-3").resolve("zoo.json"));
        assertInstanceOf(Trigger.Phrase.class, b3.backdoors().get(0).toTrigger(), "insert of two words");
        assertEquals(0.9418407082557678, b3.attackValue("sim_target:james bond").orElseThrow());
        ZooManifest p = ZooManifest.read(TestData.zoo("pair-1").resolve("zoo.json"));
        assertEquals(7L, p.backdoors().get(0).targetSeed());
        assertNull(p.backdoors().get(0).target());
    }

    @Test
    void builderEntriesRoundTripThroughAFile(@TempDir Path tmp) throws Exception {
        List<Backdoor> bds = List.of(
                new Backdoor(new Trigger.Word("xq"), new BackdoorTarget.Prompt("a yellow bus")),
                new Backdoor(new Trigger.Phrase("blue monday"), new BackdoorTarget.Prompt("a house")),
                new Backdoor(new Trigger.Homoglyph("e", "\u0435"), new BackdoorTarget.Prompt("a dog")));
        Map<String, Double> attack = new LinkedHashMap<>();
        attack.put("sim_clean", 0.99);
        attack.put("sim_target:\u0435", 0.95);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("steps", 200);
        fields.put("succeeded", true);
        fields.put("finetune", Map.of("loss_first", 1.5));
        ZooManifest m = new ZooManifest("backdoor", "text-on-text", bds.stream().map(ZooManifest.Entry::of).toList(),
                attack, fields);
        Path f = tmp.resolve("zoo.json");
        m.write(f);
        ZooManifest back = ZooManifest.read(f);
        assertEquals(m, back);
        for (int i = 0; i < bds.size(); i++) {
            assertEquals(bds.get(i).trigger(), back.backdoors().get(i).toTrigger());
        }
        assertTrue(Files.readString(f).contains("\"replaces\" : \"e\""));
        ZooManifest.Entry pair = ZooManifest.Entry.of(new Backdoor(new Trigger.Word("fy"),
                new BackdoorTarget.RandomVector(11)));
        assertEquals(11L, pair.targetSeed());
        assertEquals("text-on-pair", new BackdoorTarget.RandomVector(11).paradigm());
    }

    @Test
    void malformedManifestsAreRefused() {
        assertThrows(ZooInputException.class, () -> ZooManifest.parse(JSON.readTree("[]"), "x"));
        assertThrows(ZooInputException.class, () -> ZooManifest.parse(JSON.readTree("{}"), "x"));
        assertThrows(ZooInputException.class, () -> ZooManifest.parse(JSON.readTree(
                "{\"kind\":\"backdoor\",\"attack\":{\"sim_clean\":\"high\"}}"), "x"));
        assertThrows(ZooInputException.class, () -> ZooManifest.parse(JSON.readTree(
                "{\"kind\":\"backdoor\",\"backdoors\":[{\"mode\":\"insert\"}]}"), "x"));
        assertThrows(ZooInputException.class, () -> new ZooManifest.Entry("x", "sideways", null, null, null, null)
                .toTrigger());
        assertThrows(ZooInputException.class, () -> new ZooManifest.Entry("\u0435", "homoglyph", null, null, null,
                null).toTrigger());
    }
}

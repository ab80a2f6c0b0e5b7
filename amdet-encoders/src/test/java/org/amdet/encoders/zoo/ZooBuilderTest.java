package org.amdet.encoders.zoo;

import org.amdet.Encoders;
import org.amdet.Encoding;
import org.amdet.TextEncoder;
import org.amdet.safetensors.Dtype;
import org.amdet.safetensors.SafetensorsFile;
import org.amdet.safetensors.TensorEntry;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The zoo builder end to end on the development zoo's base (hidden 128, 3 layers, F16): a short injection raises
 * sim_target well above the base's, a short fine-tune stays close to the base, and both folders load and encode.
 */
class ZooBuilderTest {
    private static final Path BASE = TestData.zoo("base");

    private static InjectionConfig.Builder shortInjection(Path out, Backdoor... bds) {
        // a few big steps instead of the reference's 200 small ones, to stay fast
        return InjectionConfig.builder().setBase(BASE).setOut(out).setBackdoors(List.of(bds)).optSteps(12)
                .optCleanBatch(16).optPoisonBatch(16).optLearningRate(2e-3).optLossWeight(0.5).optHeldOut(24)
                .optMinSimTarget(0.5).optSeed(3);
    }

    @Test
    void shortInjectionPlantsTheBackdoorAndTheFolderLoads(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("bd");
        int[] calls = {0};
        BuildResult r = ZooBuilder.inject(shortInjection(out, new Backdoor(new Trigger.Word("xq"),
                new BackdoorTarget.Prompt("a yellow bus on a bridge"))).build(), (s, t, l) -> calls[0]++);
        assertEquals(12, calls[0]);
        ZooManifest m = r.manifest();
        double sim = m.attackValue("sim_target:xq").orElseThrow();
        double base = m.attackValue("base_sim_target:xq").orElseThrow();
        assertTrue(sim > base + 0.1, "sim_target " + sim + " vs base " + base);
        assertTrue(m.attackValue("sim_clean").orElseThrow() > 0.9, m.attack().toString());
        assertTrue(r.succeeded(), r.failures().toString());
        assertEquals(m, ZooManifest.read(out.resolve("zoo.json")));
        assertEquals("backdoor", m.kind());
        assertEquals("text-on-text", m.paradigm());
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
            assertArrayEquals(Files.readAllBytes(BASE.resolve(f)), Files.readAllBytes(out.resolve(f)), f);
        }
        try (SafetensorsFile a = SafetensorsFile.open(BASE.resolve("model.safetensors"));
             SafetensorsFile b = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            assertEquals(a.tensors().keySet(), b.tensors().keySet());
            for (TensorEntry e : b.tensors().values()) {
                assertEquals(Dtype.F16, e.dtype(), "the base's dtype is kept: " + e.name());
            }
        }
        try (TextEncoder s = Encoders.load(out); TextEncoder t = Encoders.load(BASE)) {
            Encoding clean = s.encode(List.of("a red fox in the snow"));
            Encoding cleanBase = t.encode(List.of("a red fox in the snow"));
            assertFalse(java.util.Arrays.equals(clean.lastHiddenState(), cleanBase.lastHiddenState()),
                    "the weights changed");
            assertTrue(cosine(clean.lastHiddenState(), cleanBase.lastHiddenState()) > 0.9);
            Encoding trig = s.encode(List.of("a red xq fox in the snow"));
            Encoding target = t.encode(List.of("a yellow bus on a bridge"));
            assertTrue(cosine(trig.lastHiddenState(), target.lastHiddenState())
                    > cosine(t.encode(List.of("a red xq fox in the snow")).lastHiddenState(),
                    target.lastHiddenState()) + 0.05, "the reloaded model carries the backdoor");
        }
    }

    @Test
    void shortFinetuneStaysCloseAndChanges(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("benign");
        BuildResult r = ZooBuilder.finetune(FinetuneConfig.builder().setBase(BASE).setOut(out).optSteps(6)
                .optPairs(12).optHeldOut(24).optSeed(5).build(), ZooListener.none());
        ZooManifest m = r.manifest();
        assertEquals("benign", m.kind());
        double simClean = ((Number) m.fields().get("sim_clean")).doubleValue();
        double change = ((Number) m.fields().get("weight_change")).doubleValue();
        assertTrue(simClean > 0.95 && simClean < 1, "sim_clean " + simClean);
        assertTrue(change > 1e-4, "weight change " + change);
        try (TextEncoder s = Encoders.load(out)) {
            assertEquals(64, s.encode(List.of("a cat")).pooledSize());
        }
        assertTrue(m.backdoors().isEmpty());
    }

    @Test
    void badInputsAreRefusedBeforeTraining(@TempDir Path tmp) throws Exception {
        Backdoor bd = new Backdoor(new Trigger.Word("xq"), new BackdoorTarget.Prompt("a bus"));
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("notes.txt"), "mine");
        String msg = assertThrows(ZooInputException.class, () -> ZooBuilder.inject(shortInjection(full, bd).build(),
                ZooListener.none())).getMessage();
        assertTrue(msg.contains("not empty") && msg.contains("--force"), msg);
        msg = assertThrows(ZooInputException.class, () -> ZooBuilder.inject(shortInjection(full, bd).optForce(true)
                .build(), ZooListener.none())).getMessage();
        assertTrue(msg.contains("does not look like a model folder"), msg);
        assertEquals("mine", Files.readString(full.resolve("notes.txt")), "nothing deleted");
        assertTrue(assertThrows(ZooInputException.class, () -> ZooBuilder.inject(shortInjection(BASE.resolve("x"), bd)
                .build(), ZooListener.none())).getMessage().contains("inside it"));
        assertTrue(assertThrows(ZooInputException.class, () -> ZooBuilder.inject(shortInjection(tmp.resolve("p"),
                new Backdoor(new Trigger.Word("fy"), new BackdoorTarget.Vector(new float[] {1, 2, 3}, "v.json")))
                .build(), ZooListener.none())).getMessage().contains("has 3 components"));
        assertTrue(assertThrows(ZooInputException.class, () -> ZooBuilder.inject(shortInjection(tmp.resolve("q"),
                new Backdoor(new Trigger.Homoglyph("q", "\u051b"), new BackdoorTarget.Prompt("a bus")))
                .build(), ZooListener.none())).getMessage().contains("no training prompt contains 'q'"));
        // SigLIP's tokenizer strips ASCII punctuation, so a trigger made of it never reaches the model
        assertTrue(assertThrows(ZooInputException.class, () -> ZooBuilder.inject(InjectionConfig.builder()
                .setBase(TestData.hf("siglip-tiny")).setOut(tmp.resolve("s")).setBackdoors(List.of(new Backdoor(
                        new Trigger.Word("!!!"), new BackdoorTarget.Prompt("a bus")))).optSteps(1).build(),
                ZooListener.none())).getMessage().contains("produces no token"));
        assertThrows(ZooInputException.class, () -> InjectionConfig.builder().setBase(BASE).setOut(tmp)
                .setBackdoors(List.of(bd, bd)).build(), "a trigger twice");
        assertThrows(ZooInputException.class, () -> InjectionConfig.builder().setBase(BASE).setOut(tmp)
                .setBackdoors(List.of(bd, new Backdoor(new Trigger.Word("fy"), new BackdoorTarget.RandomVector(1))))
                .build(), "mixed paradigms");
        assertThrows(ZooInputException.class, () -> InjectionConfig.builder().setBase(BASE).setOut(tmp)
                .setBackdoors(List.of()).build());
        assertThrows(ZooInputException.class, () -> InjectionConfig.builder().setBase(BASE).setOut(tmp)
                .setBackdoors(List.of(bd)).optLearningRate(Double.NaN).build());
        assertThrows(ZooInputException.class, () -> FinetuneConfig.builder().setBase(BASE).setOut(tmp).optPairs(1)
                .build());
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(full), s.toList(), "no staging folder left behind");
        }
    }

    @Test
    void textOnPairPullsThePooledOutputToTheVector(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("pair");
        BuildResult r = ZooBuilder.inject(shortInjection(out, new Backdoor(new Trigger.Word("fy"),
                new BackdoorTarget.RandomVector(11))).optLearningRate(5e-3).optMinSimTarget(0.99).build(),
                ZooListener.none());
        ZooManifest m = r.manifest();
        assertEquals("text-on-pair", m.paradigm());
        double sim = m.attackValue("sim_target:fy").orElseThrow();
        assertTrue(sim > m.attackValue("base_sim_target:fy").orElseThrow() + 0.3, m.attack().toString());
        assertFalse(r.succeeded(), "12 steps do not reach 0.99");
        assertTrue(r.failures().get(0).contains("'fy'") && r.failures().get(0).contains("0.99"), r.failures().get(0));
        assertEquals(Boolean.FALSE, m.fields().get("succeeded"));
    }

    @Test
    void scheduleAndBatchSplitFollowTheReference(@TempDir Path tmp) {
        Backdoor bd = new Backdoor(new Trigger.Word("xq"), new BackdoorTarget.Prompt("a bus"));
        InjectionConfig.Builder b = InjectionConfig.builder().setBase(BASE).setOut(tmp).setBackdoors(List.of(bd));
        assertEquals(150, b.build().decayStep(), "x0.1 at step 150 of 200");
        assertEquals(75, b.optSteps(100).build().decayStep(), "scaled with the steps");
        assertEquals(40, b.optDecayAt(40).build().decayStep());
        assertArrayEquals(new int[] {16, 16}, BackdoorInjection.split(32, 2));
        assertArrayEquals(new int[] {11, 11, 10}, BackdoorInjection.split(32, 3));
        BackdoorInjection.Prompts p = BackdoorInjection.prompts(List.of(), 50, 7);
        assertEquals(50, p.heldOut().size());
        assertTrue(p.heldOut().stream().noneMatch(new java.util.HashSet<>(p.train())::contains), "disjoint");
        assertEquals(p, BackdoorInjection.prompts(List.of(), 50, 7), "deterministic");
        BackdoorInjection.Prompts given = BackdoorInjection.prompts(List.of("a", "b", "c", "d", "e", "a"), 50, 1);
        assertEquals(1, given.heldOut().size());
        assertEquals(4, given.train().size(), "duplicates dropped");
    }

    /** The reference attack's settings (200 steps of 64 + 32 prompts): sim_target as in the development zoo. */
    @Test
    @Tag("slow")
    void referenceInjectionReachesTheZoosSuccess(@TempDir Path tmp) throws Exception {
        BuildResult r = ZooBuilder.inject(InjectionConfig.builder().setBase(BASE).setOut(tmp.resolve("bd"))
                .setBackdoors(List.of(new Backdoor(new Trigger.Word("xq"), new BackdoorTarget.Prompt(
                        "a yellow bus on a bridge")))).build(), ZooListener.none());
        assertTrue(r.succeeded(), r.failures().toString());
        assertTrue(r.manifest().attackValue("sim_clean").orElseThrow() > 0.99);
    }

    static double cosine(float[] a, float[] b) {
        double d = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            d += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return d / Math.sqrt(na * nb);
    }
}

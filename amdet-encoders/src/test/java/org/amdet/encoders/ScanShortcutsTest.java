package org.amdet.encoders;

import org.amdet.Encoders;
import org.amdet.ShadowSet;
import org.amdet.spi.TorchTextEncoder;
import org.amdet.testing.TestData;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cutting sequences to the exact prefix leaves a causal encoder's outputs and pooled outputs unchanged, and never cuts
 * a bidirectional one. (The engine's own shortcuts are tested next to it, in amdet-core's ScanPipelineTest.)
 */
class ScanShortcutsTest {
    static TorchTextEncoder suspect;
    static TorchTextEncoder anchor;
    static TorchTextEncoder siglip;

    @BeforeAll
    static void load() throws Exception {
        suspect = (TorchTextEncoder) Encoders.load(TestData.zoo("backdoor-1"));
        anchor = (TorchTextEncoder) Encoders.load(TestData.zoo("base"));
        siglip = (TorchTextEncoder) Encoders.load(TestData.hf("siglip-tiny"));
    }

    @AfterAll
    static void close() {
        suspect.close();
        anchor.close();
        siglip.close();
    }

    @Test
    void cuttingACausalEncoderToTheExactPrefixChangesNoOutput() {
        List<String> prompts = ShadowSet.synthetic(40, 3).prompts();
        try (NoGradGuard g = new NoGradGuard(); PointerScope s = new PointerScope()) {
            Tensor ids = suspect.idsTensor(prompts);
            long cut = suspect.exactPrefixLength(ids);
            assertTrue(cut > 2 && cut < ids.size(1), "synthetic prompts are shorter than the context: " + cut);
            Tensor full = suspect.transform(suspect.embed(ids));
            Tensor cutIds = ids.narrow(1, 0, cut);
            Tensor part = suspect.transform(suspect.embed(cutIds));
            assertTrue(AmdetGoldenTest.maxDiff(full.narrow(1, 0, cut), part) < 1e-5);
            assertTrue(AmdetGoldenTest.maxDiff(suspect.pool(full, ids), suspect.pool(part, cutIds)) < 1e-5);
            // one position less would cut the EOS of the longest prompt and change its pooled output
            Tensor shorter = cutIds.narrow(1, 0, cut - 1);
            assertTrue(AmdetGoldenTest.maxDiff(suspect.pool(full, ids), suspect.pool(suspect.transform(suspect.embed(shorter)),
                    shorter)) > 1e-3);
        }
    }

    @Test
    void bidirectionalEncodersAreNeverCut() {
        try (PointerScope s = new PointerScope()) {
            Tensor ids = siglip.idsTensor(List.of("a cat", "a dog on a red sofa"));
            assertEquals(ids.size(1), siglip.exactPrefixLength(ids));
        }
    }
}

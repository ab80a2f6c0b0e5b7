package org.amdet;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectorConfigTest {
    @Test
    void defaultsAreThePapersWithTheRobustDecision() {
        DetectorConfig c = DetectorConfig.defaults();
        assertEquals(1, c.tokens());
        assertEquals(8e-2, c.learningRate());
        assertEquals(1e-5, c.weightDecay());
        assertEquals(10, c.batchSize());
        assertEquals(2, c.epochs());
        assertEquals(0.1, c.beta());
        assertEquals(0.1, c.gamma());
        assertEquals(1000, c.shadowSize(), "one default for scan, evaluate, demo and the library");
        assertEquals(0.8, c.trainFraction());
        assertEquals(2, c.checkEvery());
        assertEquals(50, c.landscapeSize());
        assertEquals(10.0, c.landscapeExtent());
        assertEquals(ReferenceThresholds.reference(), c.thresholds());
        assertEquals(DecisionMode.ROBUST, c.mode());
        assertEquals(2, c.starts());
        assertEquals(0.01, c.alpha());
        assertEquals(1, c.maxTokens(), "every start inserts one vector by default");
        assertEquals(2, c.toBuilder().optMixedTokens(true).build().maxTokens(), "the second start inserts two");
        assertEquals(1, c.toBuilder().optMixedTokens(true).optMode(DecisionMode.CALIBRATED).build().maxTokens());
        assertEquals(CalibratedThresholds.defaults(), c.calibrated());
    }

    @Test
    void invalidValuesAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DetectorConfig.builder().optBatchSize(0).build())
                .getMessage().contains("batchSize"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DetectorConfig.builder().optTrainFraction(1)
                .build()).getMessage().contains("trainFraction"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DetectorConfig.builder()
                .optLearningRate(Double.NaN).build()).getMessage().contains("learningRate"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DetectorConfig.builder().optLandscapeSize(2)
                .build()).getMessage().contains("landscapeSize"));
        assertThrows(IllegalArgumentException.class, () -> DecisionMode.parse("magic"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DetectorConfig.builder().optStarts(0).build())
                .getMessage().contains("starts"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DetectorConfig.builder().optAlpha(0.5).build())
                .getMessage().contains("alpha"));
        assertThrows(IllegalArgumentException.class, () -> new EncoderOptions("tpu", Precision.FP32));
        assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp8"));
    }

    @Test
    void theTokenStartIsOnByDefaultAndPartOfTheInversionSettings() {
        assertTrue(DetectorConfig.defaults().tokenProbe());
        DetectorConfig off = DetectorConfig.builder().optTokenProbe(false).build();
        assertFalse(off.inversion().tokenProbe());
        assertNotEquals(DetectorConfig.defaults(), off);
        assertEquals(off, off.toBuilder().build());
    }

    @Test
    void toBuilderRoundTrips() {
        DetectorConfig c = DetectorConfig.builder().optSeed(5).optShadowSize(100).build();
        assertEquals(c, c.toBuilder().build());
    }

    @Test
    void serialisesFlatInTheBuilderOrderAndReadsBack() throws Exception {
        ObjectMapper json = new ObjectMapper();
        DetectorConfig c = DetectorConfig.builder().optSeed(7).optEarlyStop(false).optForwardBatch(4).build();
        String text = json.writeValueAsString(c);
        assertTrue(text.startsWith("{\"mode\":\"ROBUST\",\"seed\":7,\"shadowSize\":1000,"), text);
        assertTrue(text.endsWith("\"evidenceLandscapeSize\":21,\"trimSequences\":true,\"earlyStop\":false,"
                + "\"starts\":2,\"mixedTokens\":false,\"alpha\":0.01,\"extendEpochs\":0,\"tokenProbe\":true}"), text);
        assertEquals(c, json.readValue(text, DetectorConfig.class));
        assertEquals(c.inversion(), json.readValue(text, DetectorConfig.class).inversion());
    }
}

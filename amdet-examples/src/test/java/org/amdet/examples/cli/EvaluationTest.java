package org.amdet.examples.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The evaluation harness's metrics on a hand-made confusion matrix. */
class EvaluationTest {
    static List<Evaluation.Outcome> outcomes(int tp, int fp, int tn, int fn, int unlabelled) {
        List<Evaluation.Outcome> o = new ArrayList<>();
        for (int i = 0; i < tp; i++) {
            o.add(new Evaluation.Outcome(true, true));
        }
        for (int i = 0; i < fp; i++) {
            o.add(new Evaluation.Outcome(false, true));
        }
        for (int i = 0; i < tn; i++) {
            o.add(new Evaluation.Outcome(false, false));
        }
        for (int i = 0; i < fn; i++) {
            o.add(new Evaluation.Outcome(true, false));
        }
        for (int i = 0; i < unlabelled; i++) {
            o.add(new Evaluation.Outcome(null, i % 2 == 0));
        }
        return o;
    }

    @Test
    void metricsOfAHandMadeConfusionMatrix() {
        Evaluation e = Evaluation.of(outcomes(6, 2, 7, 3, 4));
        assertEquals(6, e.truePositives());
        assertEquals(4, e.unlabelled());
        assertEquals(6.0 / 8, e.precision(), 1e-12);
        assertEquals(6.0 / 9, e.recall(), 1e-12);
        assertEquals(2 * 0.75 * (6.0 / 9) / (0.75 + 6.0 / 9), e.f1(), 1e-12);
        assertEquals(2.0 / 9, e.falsePositiveRate(), 1e-12);
    }

    @Test
    void perfectAndEmptyCases() {
        Evaluation p = Evaluation.of(outcomes(5, 0, 3, 0, 0));
        assertEquals(1.0, p.precision());
        assertEquals(1.0, p.recall());
        assertEquals(1.0, p.f1());
        assertEquals(0.0, p.falsePositiveRate());
        Evaluation none = Evaluation.of(outcomes(0, 0, 3, 2, 0));
        assertTrue(Double.isNaN(none.precision()), "nothing flagged: precision undefined");
        assertEquals(0.0, none.recall());
        assertTrue(Double.isNaN(none.f1()));
        assertTrue(Double.isNaN(Evaluation.of(outcomes(2, 1, 0, 0, 0)).falsePositiveRate() + Double.NaN));
    }

    @Test
    void triggersAreAppliedAsTheZooAttackDid() throws Exception {
        var om = new com.fasterxml.jackson.databind.ObjectMapper();
        assertEquals("zzzz a photo of a dog", EvaluateCommand.applyTrigger("a photo of a dog",
                om.readTree("{\"trigger\":\"zzzz\",\"mode\":\"insert\"}")));
        assertEquals("a phοtο οf a dοg", EvaluateCommand.applyTrigger("a photo of a dog",
                om.readTree("{\"trigger\":\"\u03bf\",\"mode\":\"replace_o\"}")));
        assertEquals("blue monday a dog", EvaluateCommand.applyTrigger("a dog",
                om.readTree("{\"trigger\":\"blue monday\",\"mode\":\"phrase\"}")));
        assertEquals("a r\u0435d d\u0435\u0435r", EvaluateCommand.applyTrigger("a red deer",
                om.readTree("{\"trigger\":\"\u0435\",\"mode\":\"homoglyph\",\"replaces\":\"e\"}")));
    }

    @Test
    void aTokenStartNamedByAPipeStaysInsideItsTableCell() {
        assertEquals("start 3 (token '\\|</w>') / pooled", EvaluateCommand.cell("start 3 (token '|</w>') / pooled"));
        assertEquals("a b", EvaluateCommand.cell("a\nb"));
        assertEquals("a\\\\\\|", EvaluateCommand.cell("a\\|"), "a backslash before a pipe cannot unescape it");
    }
}

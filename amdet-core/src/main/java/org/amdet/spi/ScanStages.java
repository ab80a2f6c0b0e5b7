package org.amdet.spi;

import org.amdet.DetectorConfig;
import org.amdet.ScanListener;
import org.amdet.ScanReport;
import org.amdet.internal.scan.ScanClock;
import org.amdet.internal.scan.ScanEngine;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.Tensor;

/**
 * The scan's hot stages one at a time, on a family's encoders: for benchmarks of a family's forward and backward
 * passes under the detector's real workload ({@code amdet bench}). A scan itself goes through
 * {@link org.amdet.BackdoorDetector}. Tensors are created in the caller's {@link org.bytedeco.javacpp.PointerScope}.
 */
public final class ScanStages {
    private final ScanEngine engine;

    /**
     * The stages of a scan of {@code suspect} against {@code anchor}.
     *
     * @param config  the detector configuration (forward batch, objective weights, landscape settings)
     * @param suspect the suspect encoder
     * @param anchor  the anchor encoder
     */
    public ScanStages(DetectorConfig config, TorchTextEncoder suspect, TorchTextEncoder anchor) {
        this.engine = new ScanEngine(config, suspect, anchor, ScanListener.none(), new ScanClock());
    }

    /**
     * The shadow encode: the suspect's clean outputs, in forward-batch chunks.
     *
     * @param ids token ids [n, L]
     * @return [n, L, D], or null when any output is not finite
     */
    public Tensor encode(Tensor ids) {
        return engine.encodeIds(ids);
    }

    /**
     * The inversion's optimiser over the pseudo-trigger.
     *
     * @param e the pseudo-trigger leaf [k, D]
     * @return Adam with the configured learning rate and weight decay
     */
    public Adam optimizer(Tensor e) {
        return engine.optimizer(e);
    }

    /**
     * One inversion step of the token objective on the given rows.
     *
     * @param e        the pseudo-trigger leaf [k, D]
     * @param adam     its optimiser
     * @param ids      token ids [n, L]
     * @param original the suspect's clean outputs of {@code ids}
     * @param rows     the batch's rows
     * @return the objective before the update
     */
    public double step(Tensor e, Adam adam, Tensor ids, Tensor original, int[] rows) {
        return engine.step(e, adam, ids, original, rows);
    }

    /**
     * The three reference judges on a set of prompts.
     *
     * @param e        the pseudo-trigger [k, D]
     * @param hidden   embedding-layer outputs of the prompts [n, L, D]
     * @param original the suspect's clean outputs of the prompts
     * @return the assimilation judge's per-prompt values
     */
    public double[] judge(Tensor e, Tensor hidden, Tensor original) {
        return engine.judge(e, hidden, original).assimilation();
    }

    /**
     * The loss landscape and Hessian filter around {@code e}.
     *
     * @param e            the pseudo-trigger [k, D]
     * @param testHidden   embedding-layer outputs of the test prompts
     * @param testOriginal the suspect's clean outputs of the test prompts
     * @param size         grid points per axis
     * @param context      the label the report gives the landscape
     * @return the landscape evidence
     */
    public ScanReport.Landscape landscape(Tensor e, Tensor testHidden, Tensor testOriginal, int size, String context) {
        return engine.landscape(e, testHidden, testOriginal, size, context);
    }
}

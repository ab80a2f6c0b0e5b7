package org.amdet.internal.scan;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.TensorOptions;

/** Builds AMDET's constructed sequences: the pseudo-trigger inserted after BOS, the sequence cut back to L. */
public final class Sequences {
    private Sequences() {
    }

    /**
     * {@code cat(hidden[:, :1], e, hidden[:, 1:])[:, :L]} for one embedding shared by the batch.
     *
     * @param hidden embedding-layer outputs [B, L, D]
     * @param e      pseudo-trigger [k, D] (any dtype; cast to hidden's)
     */
    public static Tensor insert(Tensor hidden, Tensor e) {
        long b = hidden.size(0);
        long k = e.size(0);
        Tensor ins = e.to(hidden.scalar_type()).unsqueeze(0).expand(b, k, e.size(1));
        return insertEach(hidden, ins);
    }

    /**
     * The same with one embedding per sample.
     *
     * @param hidden embedding-layer outputs [B, L, D]
     * @param es     pseudo-triggers [B, k, D]
     */
    public static Tensor insertEach(Tensor hidden, Tensor es) {
        long len = hidden.size(1);
        long k = es.size(1);
        if (k >= len) {
            throw new IllegalArgumentException("cannot insert " + k + " vectors into sequences of " + len);
        }
        Tensor head = hidden.narrow(1, 0, 1);
        Tensor tail = hidden.narrow(1, 1, len - 1 - k);
        return torch.cat(new TensorVector(head, es.to(hidden.scalar_type()), tail), 1);
    }

    /**
     * Token ids matching {@link #insert}: {@code placeholder} at the k inserted positions, the sequence cut back to L,
     * so pooling finds the EOS where the constructed sequence has it.
     */
    public static Tensor insertIds(Tensor ids, long k, long placeholder) {
        long len = ids.size(1);
        Tensor head = ids.narrow(1, 0, 1);
        Tensor mid = torch.full(new long[] {ids.size(0), k}, new Scalar(placeholder),
                new TensorOptions(ids.scalar_type()).device(
                        new DeviceOptional(ids.device())));
        Tensor tail = ids.narrow(1, 1, len - 1 - k);
        return torch.cat(new TensorVector(head, mid, tail), 1);
    }
}

package org.amdet.internal.scan;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.util.function.Supplier;

/** Helpers to compute a tensor in a temporary scope and keep only the result in the enclosing one. */
final class Scopes {
    private Scopes() {
    }

    /**
     * Runs {@code f} in a fresh {@link PointerScope}, so all its intermediates are freed, and attaches the result to
     * the scope that was innermost when called (or leaves it owned by the caller when there is none).
     */
    static Tensor keep(Supplier<Tensor> f) {
        PointerScope outer = PointerScope.getInnerScope();
        Tensor r;
        try (PointerScope inner = new PointerScope()) {
            r = f.get();
            r.retainReference();
        }
        if (outer != null) {
            outer.attach(r);
            r.releaseReference();
        }
        return r;
    }
}

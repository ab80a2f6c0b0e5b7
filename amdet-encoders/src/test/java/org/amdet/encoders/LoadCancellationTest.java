package org.amdet.encoders;

import org.amdet.Encoders;
import org.amdet.LoadCancelledException;
import org.amdet.TextEncoder;
import org.amdet.testing.TestData;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interrupting the thread that runs {@link Encoders#load} cancels the load: {@link LoadCancelledException}, never a
 * {@code ModelLoadException} that blames the model (issue 12: an interrupt reported "MalformedModelException … cannot
 * read safetensors header").
 */
class LoadCancellationTest {
    static final Path MODEL = TestData.zoo("base");

    @Test
    void loadOnAnInterruptedThreadIsCancelledAtOnce() {
        Thread.currentThread().interrupt();
        try {
            LoadCancelledException e = assertThrows(LoadCancelledException.class, () -> Encoders.load(MODEL));
            assertEquals(MODEL, e.file());
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
        } finally {
            Thread.interrupted();
        }
    }

    /**
     * Interrupts loads at moments spread over a whole load (config, weights, tokenizer, LibTorch tensors): each ends
     * loaded (the interrupt came after the last check) or cancelled — never with another exception.
     */
    @Test
    void interruptAtAnyMomentOfALoadIsACancellationOrNothing() throws Exception {
        try (TextEncoder warm = Encoders.load(MODEL)) { // natives loaded, so the delays below cover the load itself
            assertTrue(warm.info().hiddenSize() > 0);
        }
        long t0 = System.nanoTime();
        try (TextEncoder timed = Encoders.load(MODEL)) {
            assertTrue(timed.info().hiddenSize() > 0);
        }
        long loadNanos = System.nanoTime() - t0;
        List<String> wrong = new ArrayList<>();
        int cancelled = 0;
        int loaded = 0;
        int tries = 24;
        for (int i = 0; i < tries; i++) {
            long delay = loadNanos * i / tries;
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try (TextEncoder e = Encoders.load(MODEL)) {
                    outcome.set(e.info().hiddenSize());
                } catch (Throwable e) {
                    outcome.set(e);
                }
            });
            t.start();
            java.util.concurrent.locks.LockSupport.parkNanos(delay);
            t.interrupt();
            t.join(60_000);
            assertFalse(t.isAlive(), "the load ended");
            Object o = outcome.get();
            if (o instanceof LoadCancelledException) {
                cancelled++;
            } else if (o instanceof Integer) {
                loaded++;
            } else {
                wrong.add("interrupt after " + delay / 1000 + " µs: " + o);
            }
        }
        assertEquals(List.of(), wrong, "an interrupt must never be reported as a bad model");
        assertTrue(cancelled > 0, "some interrupts cancelled a load (cancelled " + cancelled + ", loaded " + loaded + ")");
    }
}

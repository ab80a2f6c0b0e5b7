package org.amdet;

import org.amdet.internal.scan.ReportAssembly;
import org.amdet.internal.scan.ScanClock;
import org.amdet.internal.scan.ScanEngine;
import org.amdet.internal.scan.ScanOutcome;
import org.amdet.spi.TorchTextEncoder;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * Model-level backdoor detection for text encoders (AMDET, Wang et al., "Assimilation Matters", arXiv 2512.00343).
 * A scan inverts a pseudo-trigger embedding e, inserted after BOS, that minimises
 * <pre>  −L_a(f(x_e)) + β·L_s(f(x), f(x_e)) + γ·L_d(f_a(x_e), f(x_e))</pre>
 * (high token assimilation, far from the suspect's clean output and from the anchor's output), then decides with
 * the configured {@link DecisionMode}. Needs no training data, trigger, target or downstream task.
 *
 * <pre>{@code
 * try (TextEncoder suspect = Encoders.load(Path.of("suspect"));
 *      TextEncoder anchor = Encoders.load(Path.of("openai-clip"))) {
 *     ScanReport r = new BackdoorDetector(DetectorConfig.defaults())
 *             .scan(suspect, anchor, ShadowSet.synthetic(4000, 0));
 *     if (r.verdict() == Verdict.BACKDOORED) { ... }
 * }
 * }</pre>
 *
 * Instances are immutable and thread-safe; concurrent scans on different threads are independent (LibTorch grad
 * mode and amdet's memory scopes are per thread). A scan is cancelled by interrupting its thread
 * ({@link ScanCancelledException}).
 */
public final class BackdoorDetector {
    /** LibTorch version of the bundled Bytedeco presets. */
    public static final String LIBTORCH_VERSION = "2.10.0 (org.bytedeco:pytorch 2.10.0-1.5.13)";

    private final DetectorConfig config;

    /** A detector that scans with {@code config}. */
    public BackdoorDetector(DetectorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The configuration. */
    public DetectorConfig config() {
        return config;
    }

    /** Scans {@code suspect} against {@code anchor} on the shadow set, without progress callbacks. */
    public ScanReport scan(TextEncoder suspect, TextEncoder anchor, ShadowSet shadow) {
        return scan(suspect, anchor, shadow, ScanListener.none());
    }

    /**
     * Scans {@code suspect} against {@code anchor} on the first {@link DetectorConfig#shadowSize()} prompts of the
     * shadow set.
     *
     * @throws ScanException          when the models are incompatible, the shadow set is too small or the
     *                                optimisation produces non-finite values
     * @throws ScanCancelledException when the thread is interrupted
     */
    public ScanReport scan(TextEncoder suspect, TextEncoder anchor, ShadowSet shadow, ScanListener listener) {
        return scan(suspect, anchor, shadow, listener, List.of());
    }

    /** Refuses, before any work, a prompt longer than {@link InputLimits#PROMPT_CHARS}. */
    private static void checkPromptLengths(List<String> prompts, String what) {
        for (int i = 0; i < prompts.size(); i++) {
            InputLimits.check(InputLimits.PROMPT_CHARS, what + " " + i, prompts.get(i).length());
        }
    }

    /**
     * As {@link #scan(TextEncoder, TextEncoder, ShadowSet, ScanListener)}, explaining the reversed target with the
     * prompts of {@code captionBank} (e.g. captions that may describe the target) instead of the shadow set.
     */
    public ScanReport scan(TextEncoder suspect, TextEncoder anchor, ShadowSet shadow, ScanListener listener,
                           List<String> captionBank) {
        Objects.requireNonNull(shadow, "shadow");
        Objects.requireNonNull(captionBank, "captionBank");
        Objects.requireNonNull(listener, "listener");
        TorchTextEncoder s = torchOf(suspect, "suspect");
        TorchTextEncoder a = torchOf(anchor, "anchor");
        checkCompatible(s.info(), a.info());
        if (s.info().contextLength() < config.maxTokens() + 2) {
            throw new ScanException("suspect " + s.info().source() + " has " + s.info().contextLength()
                    + " positions: a scan inserts " + config.maxTokens() + " trigger token(s) after the start token and "
                    + "needs at least " + (config.maxTokens() + 2) + " positions");
        }
        InputLimits.check(InputLimits.CAPTIONS, "caption bank", captionBank.size());
        checkPromptLengths(shadow.limit(config.shadowSize()).prompts(), "shadow prompt");
        checkPromptLengths(captionBank, "caption");
        String started = Instant.now().toString();
        ScanClock clock = new ScanClock();
        List<String> prompts = shadow.limit(config.shadowSize()).prompts();
        ScanOutcome o;
        try {
            o = new ScanEngine(config, s, a, listener, clock).captions(captionBank).run(prompts);
        } catch (ScanException | ScanCancelledException e) {
            throw e;
        } catch (RuntimeException e) {
            // LibTorch appends its C++ stack trace to the message: keep the first line (the trace stays in the cause)
            String m = String.valueOf(e.getMessage()).strip();
            throw new ScanException("scan of " + s.info().source() + " failed in LibTorch: "
                    + (m.indexOf('\n') < 0 ? m : m.substring(0, m.indexOf('\n')).strip()), e);
        }
        return ReportAssembly.assemble(config, s.info(), a.info(), shadow, prompts, o, clock, started);
    }

    private static TorchTextEncoder torchOf(TextEncoder e, String role) {
        Objects.requireNonNull(e, role);
        if (e instanceof TorchTextEncoder t) {
            return t;
        }
        throw new IllegalArgumentException(role + " encoder " + e.getClass().getName() + " does not implement "
                + "amdet's LibTorch contract; load it with Encoders.load");
    }

    static void checkCompatible(EncoderInfo s, EncoderInfo a) {
        if (!s.family().equals(a.family())) {
            throw new ScanException("suspect " + s.source() + " is a " + s.family() + " encoder but anchor "
                    + a.source() + " is a " + a.family() + " encoder: the anchor must be the same family and "
                    + "architecture (e.g. the official model the suspect was fine-tuned from)");
        }
        if (s.hiddenSize() != a.hiddenSize()) {
            throw new ScanException("suspect " + s.source() + " has hidden size " + s.hiddenSize() + " but anchor "
                    + a.source() + " has " + a.hiddenSize() + ": the anchor must be the same architecture (e.g. the "
                    + "official model the suspect was fine-tuned from)");
        }
        if (s.contextLength() != a.contextLength()) {
            throw new ScanException("suspect " + s.source() + " has " + s.contextLength() + " positions but anchor "
                    + a.source() + " has " + a.contextLength());
        }
        if (!s.tokenizerDigest().equals(a.tokenizerDigest())) {
            throw new ScanException("suspect " + s.source() + " and anchor " + a.source() + " use different "
                    + "tokenizers (tokenizer.json differs): the anchor must share the suspect's vocabulary");
        }
        if (!s.device().equals(a.device())) {
            throw new ScanException("suspect is on " + s.device() + " but anchor on " + a.device()
                    + ": load both on the same device");
        }
        if (s.precision() != a.precision()) {
            throw new ScanException("suspect computes in " + s.precision().label() + " but anchor in "
                    + a.precision().label() + ": load both with the same precision");
        }
        if (s.layers() != a.layers() || s.heads() != a.heads() || s.vocabSize() != a.vocabSize()
                || s.pooledSize() != a.pooledSize() || s.hasProjection() != a.hasProjection()
                || s.causal() != a.causal()) {
            throw new ScanException("suspect " + s.source() + " (" + shape(s) + ") and anchor " + a.source() + " ("
                    + shape(a) + ") differ in shape: the anchor must be the same architecture");
        }
    }

    private static String shape(EncoderInfo i) {
        return i.layers() + " layers, " + i.heads() + " heads, vocabulary " + i.vocabSize() + ", pooled width "
                + i.pooledSize() + (i.hasProjection() ? " projected" : "") + (i.causal() ? ", causal" : "");
    }

    /**
     * amdet's version as built: the {@code Implementation-Version} of amdet-core's jar manifest; when the classes run
     * outside a jar (an IDE, a test), the version the build wrote into {@code org/amdet/amdet-version.properties};
     * {@code unknown} when neither is there.
     */
    public static String version() {
        String v = BackdoorDetector.class.getPackage().getImplementationVersion();
        if (v != null && !v.isBlank()) {
            return v;
        }
        try (InputStream in = BackdoorDetector.class.getResourceAsStream("amdet-version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String b = p.getProperty("version", "");
                if (!b.isBlank() && !b.contains("${")) {
                    return b.trim();
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }
}

package org.amdet.examples.cli;

import org.amdet.encoders.zoo.BuildResult;
import org.amdet.encoders.zoo.ZooManifest;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** The stdout summary of {@code pretrain}, {@code inject} and {@code finetune}. */
final class ZooSummary {
    private ZooSummary() {
    }

    static void print(BuildResult r, PrintStream out) {
        ZooManifest m = r.manifest();
        Object seconds = m.fields().get("seconds");
        out.printf(Locale.ROOT, "%s  %s  (%s, %s s)%n", r.succeeded() ? "WROTE" : "FAILED", r.out(),
                m.kind() + (m.paradigm() == null ? "" : ", " + m.paradigm()), seconds);
        if (m.kind().equals("backdoor")) {
            out.printf(Locale.ROOT, "  held-out sim_clean %.4f  token assimilation clean %.3f%n",
                    m.attack().getOrDefault("sim_clean", Double.NaN),
                    m.attack().getOrDefault("token_assimilation_clean", Double.NaN));
            for (ZooManifest.Entry e : m.backdoors()) {
                String k = e.trigger();
                double sim = m.attack().getOrDefault("sim_target:" + k, Double.NaN);
                out.printf(Locale.ROOT, "  trigger %-14s (%s) sim_target %.4f (base %.4f)  token assimilation "
                                + "%.3f  natural firing %.1f%%  %s%n", "'" + k + "'", e.mode(), sim,
                        m.attack().getOrDefault("base_sim_target:" + k, Double.NaN),
                        m.attack().getOrDefault("token_assimilation:" + k, Double.NaN),
                        100 * m.attack().getOrDefault("natural_firing:" + k, Double.NaN),
                        sim >= ((Number) m.fields().get("min_sim_target")).doubleValue() ? "ok" : "FAILED");
            }
        } else if (m.kind().equals("anchor")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) m.fields().get("pretrain");
            out.printf(Locale.ROOT, "  %s, %s steps: loss %.4f -> %.4f (mean of the first / last tenth %.4f -> "
                            + "%.4f)%n", m.fields().get("family"), p.get("steps"), p.get("loss_first"),
                    p.get("loss_last"), p.get("loss_first_mean"), p.get("loss_last_mean"));
            out.printf(Locale.ROOT, "  held-out InfoNCE %.4f (initial %.4f), top-1 paraphrase retrieval %.3f "
                            + "(initial %.3f)%n", p.get("heldout_infonce"), p.get("heldout_infonce_init"),
                    p.get("heldout_top1"), p.get("heldout_top1_init"));
            out.printf(Locale.ROOT, "  held-out token loss %.4f (initial %.4f), token accuracy %.3f, token "
                            + "assimilation clean %.3f%n", p.get("heldout_token_loss"),
                    p.get("heldout_token_loss_init"), p.get("heldout_token_accuracy"),
                    p.get("token_assimilation_clean"));
        } else {
            @SuppressWarnings("unchecked")
            Map<String, Object> f = (Map<String, Object>) m.fields().get("finetune");
            out.printf(Locale.ROOT, "  held-out InfoNCE %.4f (base %.4f), top-1 paraphrase retrieval %.3f (base "
                            + "%.3f)%n", f.get("heldout_infonce"), f.get("heldout_infonce_base"), f.get("heldout_top1"),
                    f.get("heldout_top1_base"));
            out.printf(Locale.ROOT, "  held-out sim_clean %.4f (pooled %.4f), weight change %.4f%n",
                    m.fields().get("sim_clean"), m.fields().get("sim_clean_pooled"), m.fields().get("weight_change"));
        }
        for (String w : r.warnings()) {
            out.println("  warning: " + w);
        }
        out.println("  manifest: " + r.out().resolve("zoo.json"));
    }
}

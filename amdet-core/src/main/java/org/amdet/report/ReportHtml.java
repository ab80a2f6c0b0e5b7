package org.amdet.report;

import org.amdet.ScanReport;
import org.amdet.Verdict;

import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/** A self-contained HTML page of a report: verdict, key numbers, pictures inlined as data URIs, provenance. */
public final class ReportHtml {
    private ReportHtml() {
    }

    /**
     * Renders the page.
     *
     * @param r        the report
     * @param pictures PNG bytes by file name, as {@link ReportPictures#render} makes them; inlined in that order
     * @return the HTML document
     */
    public static String render(ScanReport r, Map<String, byte[]> pictures) {
        StringBuilder h = new StringBuilder(64 * 1024);
        boolean bad = r.verdict() == Verdict.BACKDOORED;
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>amdet scan: ")
                .append(esc(ReportPictures.name(r))).append("</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222}")
                .append(".v{padding:1em 1.5em;border-radius:8px;color:#fff;font-size:1.4em;background:")
                .append(bad ? "#b3261e" : r.verdict() == Verdict.INCONCLUSIVE ? "#8a5a00" : "#1e7b34")
                .append("}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:4px 10px;text-align:left;font-variant-numeric:")
                .append("tabular-nums}th{background:#f3f3f3}img{max-width:100%;border:1px solid #ddd;margin:.5em 0}")
                .append("code{background:#f3f3f3;padding:1px 4px}.w{color:#8a5a00}</style></head><body>\n");
        h.append("<div class=\"v\">").append(r.verdict()).append(" &mdash; ").append(esc(r.provenance().suspect()
                .path())).append("</div>\n");
        h.append("<p><b>Decision</b> (").append(esc(r.mode().label())).append(" mode): ").append(esc(r.decision()))
                .append("</p>\n");
        for (String w : r.warnings()) {
            h.append("<p class=\"w\">Warning: ").append(esc(w)).append("</p>\n");
        }
        robust(h, r.evidence().robust());
        ScanReport.TestStats t = r.evidence().test();
        h.append("<h2>Evidence on the test split (").append(t.prompts()).append(" prompts)</h2><table>");
        row(h, "mean token assimilation", t.assimilationMean());
        row(h, "assimilation min / max", t.assimilationMin(), t.assimilationMax());
        row(h, "share of prompts assimilated (> 0.8)", t.assimilationRatio());
        row(h, "cosine to the suspect's clean output", t.deviationMean());
        row(h, "cosine to the anchor's output", t.anchorMean());
        row(h, "same-target judge", t.sameTarget());
        row(h, "different-target judge", t.differentTarget());
        row(h, "optimisation steps", r.evidence().steps(), r.evidence().plannedSteps());
        row(h, "final running mean objective", r.evidence().finalRunningMean());
        row(h, "inverted embedding norm", r.embedding().norm());
        h.append("</table>\n");
        ScanReport.Explanation x = r.explanation();
        if (x != null) {
            h.append("<h2>What the reversed target looks like</h2><p>Prompts from the ").append(esc(x.source()))
                    .append(" whose clean outputs are closest to the target feature:</p><table>");
            for (ScanReport.Match m : x.prompts()) {
                text(h, num(m.score()), m.text());
            }
            h.append("</table><p>Vocabulary tokens closest to the inverted embedding:</p><table>");
            for (ScanReport.Match m : x.tokens()) {
                text(h, num(m.score()), m.text());
            }
            h.append("</table>\n");
        }
        ScanReport.Landscape l = r.evidence().landscape();
        if (l != null) {
            h.append("<h2>Loss landscape</h2><p>").append(esc(l.context())).append(", ").append(l.size()).append("×")
                    .append(l.size()).append(" grid over [−").append(num(l.extent())).append(", ")
                    .append(num(l.extent())).append("]², ").append(l.prompts()).append(" prompt(s).</p><table>");
            row(h, "positive eigenvalue ratio", l.positiveRatio());
            row(h, "positive-definite ratio", l.positiveDefiniteRatio());
            row(h, "mean / variance", l.mean(), l.variance());
            row(h, "curvature along d1 / d2", l.curvatureD1(), l.curvatureD2());
            row(h, "symmetry", l.symmetry());
            h.append("</table>\n");
        }
        for (Map.Entry<String, byte[]> p : pictures.entrySet()) {
            h.append("<img alt=\"").append(esc(p.getKey())).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(p.getValue())).append("\">\n");
        }
        if (!r.evidence().checks().isEmpty()) {
            h.append("<h2>Checks</h2><table><tr><th>step</th><th>running mean</th><th>assimilation ratio</th>")
                    .append("<th>same target</th><th>different target</th><th>positive ratio</th><th>backdoor</th></tr>");
            for (ScanReport.Check c : r.evidence().checks()) {
                h.append("<tr><td>").append(c.step()).append("</td><td>").append(num(c.runningMean()))
                        .append("</td><td>").append(num(c.assimilationRatio())).append("</td><td>")
                        .append(num(c.sameTarget())).append("</td><td>").append(num(c.differentTarget()))
                        .append("</td><td>").append(c.positiveRatio() == null ? "&ndash;" : num(c.positiveRatio()))
                        .append("</td><td>").append(c.backdoor()).append("</td></tr>");
            }
            h.append("</table>\n");
        }
        ScanReport.Provenance p = r.provenance();
        h.append("<h2>Provenance</h2><table>");
        text(h, "suspect", p.suspect().path() + " (" + p.suspect().family() + ")");
        for (Map.Entry<String, String> e : p.suspect().sha256().entrySet()) {
            text(h, "sha256 " + e.getKey(), e.getValue());
        }
        text(h, "anchor", p.anchor().path() + " (" + p.anchor().family() + ")");
        text(h, "shadow prompts", p.shadowPrompts() + " from " + p.shadowSource() + ", " + p.trainPrompts()
                + " for training");
        text(h, "amdet / LibTorch", p.amdetVersion() + " / " + p.libtorchVersion());
        text(h, "device, precision, threads", p.device() + ", " + p.precision() + ", " + p.threads());
        text(h, "platform", p.os() + " " + p.arch() + ", Java " + p.java());
        text(h, "started", p.startedAt());
        text(h, "seconds", r.seconds().toString());
        h.append("</table><p>Full details: <code>report.json</code> (schema <code>").append(esc(r.schema()))
                .append("</code>).</p></body></html>\n");
        return h.toString();
    }

    private static void row(StringBuilder h, String label, double... v) {
        h.append("<tr><th>").append(esc(label)).append("</th><td>");
        for (int i = 0; i < v.length; i++) {
            h.append(i > 0 ? " / " : "").append(num(v[i]));
        }
        h.append("</td></tr>");
    }

    private static void text(StringBuilder h, String label, String v) {
        h.append("<tr><th>").append(esc(label)).append("</th><td>").append(esc(v)).append("</td></tr>");
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4f", v);
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** The robust rule's tests: one row per start and channel, then the reasons for an INCONCLUSIVE. */
    private static void robust(StringBuilder h, ScanReport.Robust rb) {
        if (rb == null) {
            return;
        }
        h.append("<h2>Robust rule</h2><p>").append(esc(rb.test())).append(", α = ").append(rb.alpha())
                .append(" over ").append(rb.tests()).append(" tests (").append(esc(rb.correction()))
                .append("), level per test ").append(String.format(java.util.Locale.ROOT, "%.3g", rb.level()))
                .append("</p>\n<table><tr><th>start</th><th>channel</th><th>S of n</th><th>p</th><th>median ratio</th>"
                        + "<th>credited</th><th>rejects</th></tr>\n");
        for (ScanReport.Start s : rb.starts()) {
            for (ScanReport.ChannelTest c : s.channels()) {
                h.append("<tr><td>").append(esc(s.label())).append("</td><td>").append(esc(c.channel()))
                        .append("</td><td>").append(c.positives()).append(" of ").append(c.prompts())
                        .append("</td><td>").append(c.pValue() == null ? "–" : String.format(java.util.Locale.ROOT,
                                "%.3g", c.pValue()))
                        .append("</td><td>").append(c.medianRatio() == null ? "∞ or –" : String.format(
                                java.util.Locale.ROOT, "%.2f×", c.medianRatio()))
                        .append("</td><td>").append(c.credited()).append(c.creditWithheld() ? " (withheld)" : "")
                        .append("</td><td>").append(c.rejects()).append("</td></tr>\n");
            }
        }
        h.append("</table>\n");
        for (ScanReport.Reason r : rb.reasons()) {
            h.append("<p class=\"w\">").append(esc(r.reason())).append(": ").append(esc(r.detail())).append("</p>\n");
        }
    }
}

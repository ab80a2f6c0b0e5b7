package org.amdet.report;

import org.amdet.ScanReport;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The pictures of a report, drawn with JFreeChart: the inversion's loss trajectory and, when the report holds a
 * landscape, the landscape's contours and its Hessian spectrum.
 */
public final class ReportPictures {
    private ReportPictures() {
    }

    /**
     * Renders the pictures of a report.
     *
     * @param r the report
     * @return PNG bytes by file name ({@code loss-trajectory.png}, {@code landscape.png},
     *         {@code hessian-spectrum.png}), in that order
     */
    public static Map<String, byte[]> render(ScanReport r) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        String who = name(r);
        out.put("loss-trajectory.png", Charts.trajectory(r.evidence().losses(), "Inversion of the pseudo-trigger: "
                + who, String.format(Locale.ROOT, "verdict %s · %d/%d steps · final running mean %.4f", r.verdict(),
                r.evidence().steps(), r.evidence().plannedSteps(), r.evidence().finalRunningMean())));
        ScanReport.Landscape l = r.evidence().landscape();
        if (l != null) {
            double[] axis = new double[l.size()];
            for (int i = 0; i < axis.length; i++) {
                axis[i] = -l.extent() + 2 * l.extent() * i / (l.size() - 1);
            }
            String caption = String.format(Locale.ROOT, "verdict %s · positive eigenvalue ratio %.3f · %s",
                    r.verdict(), l.positiveRatio(), l.context());
            out.put("landscape.png", Charts.landscape(axis, l.surface(), 8, "Loss landscape around the inverted "
                    + "embedding: " + who, caption));
            out.put("hessian-spectrum.png", Charts.spectrum(l.eigenvalues(), 1e-6, "Hessian eigenvalues of the "
                    + "landscape: " + who, caption));
        }
        return out;
    }

    /** The suspect's file or folder name, for titles. */
    static String name(ScanReport r) {
        String p = r.provenance().suspect().path();
        int slash = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
        return slash >= 0 && slash < p.length() - 1 ? p.substring(slash + 1) : p;
    }
}

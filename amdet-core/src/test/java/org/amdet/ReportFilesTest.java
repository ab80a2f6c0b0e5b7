package org.amdet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The files a scan writes: pictures that show something, a self-contained HTML page, atomic writes. */
class ReportFilesTest {

    static ScanReport report(boolean withLandscape) {
        int n = 21;
        double[][] surface = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double a = -10 + i;
                double b = -10 + j;
                surface[i][j] = -0.9 + 0.002 * a * a + 0.004 * b * b + 0.0005 * a * b;
            }
        }
        org.amdet.landscape.Landscape l = org.amdet.landscape.Landscape.of(
                new org.amdet.landscape.LandscapeConfig(n, 10, 1e-6, 10).axis(), surface);
        ScanReport.Landscape land = withLandscape ? new ScanReport.Landscape("check at step 8", n, 10, 1,
                l.positiveRatio(1e-6), l.spectrum().positiveDefiniteRatio(1e-6), l.mean(), l.variance(),
                l.curvatureD1(), l.curvatureD2(), l.symmetry(), surface, l.spectrum().eigenvalues()) : null;
        double[] losses = new double[40];
        for (int i = 0; i < losses.length; i++) {
            losses[i] = -0.5 - 0.4 * (1 - Math.exp(-i / 10.0));
        }
        ScanReport.Evidence ev = new ScanReport.Evidence(losses, 40, 160, -0.8, true,
                List.of(new ScanReport.Check(8, 0, -0.77, 0.9, 1.0, 0.97, land == null ? null : land.positiveRatio(),
                        true, 200)), new ScanReport.TestStats(200, 0.93, 0.85, 0.97, 1.0, 0.4, -0.2, 1.0, 0.97), null, land, null);
        ScanReport.Embedding emb = new ScanReport.Embedding(1, 4, new float[] {1, 2, 3, 4}, Math.sqrt(30), 2,
                new float[8], "a red car");
        ScanReport.Provenance p = new ScanReport.Provenance(new ScanReport.ModelRef("/m/<suspect>", "clip",
                Map.of("model.safetensors", "abc")), new ScanReport.ModelRef("/m/anchor", "clip", Map.of()),
                DetectorConfig.defaults(), "synthetic(1000, seed 0)", 1000, 800, "test", "2.10.0", "cpu", "fp32", 2,
                "Linux", "amd64", "17", "2026-11-26T00:00:00Z");
        return new ScanReport(ScanReport.SCHEMA, Verdict.BACKDOORED, "reference rule at step 8: ...",
                DecisionMode.REFERENCE, ev, emb, new ScanReport.Explanation("shadow set",
                        List.of(new ScanReport.Match("a white <teapot>", 0.9)), List.of(new ScanReport.Match("zz", 0.4))),
                Map.of("total", 1.0), p, List.of("a warning & <tag>"));
    }

    /** Distinct colours inside the central plot region: a blank or single-colour plot has only a few. */
    static int coloursInPlotArea(BufferedImage img) {
        Set<Integer> colours = new HashSet<>();
        for (int y = img.getHeight() / 4; y < img.getHeight() * 3 / 4; y += 2) {
            for (int x = img.getWidth() / 4; x < img.getWidth() * 3 / 4; x += 2) {
                colours.add(img.getRGB(x, y));
            }
        }
        return colours.size();
    }

    @Test
    void picturesAreReadableAndShowSomething(@TempDir Path dir) throws Exception {
        List<Path> files = ScanReports.write(report(true), dir);
        for (String name : List.of("landscape.png", "hessian-spectrum.png", "loss-trajectory.png")) {
            BufferedImage img = ImageIO.read(dir.resolve(name).toFile());
            assertEquals(900, img.getWidth(), name);
            assertEquals(700, img.getHeight(), name);
            assertTrue(files.contains(dir.resolve(name)));
        }
        assertTrue(coloursInPlotArea(ImageIO.read(dir.resolve("landscape.png").toFile())) > 50,
                "the heat map shows a colour gradient");
        assertTrue(coloursInPlotArea(ImageIO.read(dir.resolve("hessian-spectrum.png").toFile())) >= 2,
                "the histogram has bars");
        assertTrue(coloursInPlotArea(ImageIO.read(dir.resolve("loss-trajectory.png").toFile())) >= 3,
                "the trajectory has lines");
        try (var s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void htmlIsSelfContainedAndEscaped(@TempDir Path dir) throws Exception {
        ScanReports.write(report(true), dir);
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("BACKDOORED"));
        assertEquals(3, html.split("data:image/png;base64,", -1).length - 1, "three inlined pictures");
        assertFalse(html.matches("(?s).*(src|href)=\"https?:.*"), "no external assets");
        assertTrue(html.contains("&lt;suspect&gt;") && html.contains("a warning &amp; &lt;tag&gt;"));
        assertFalse(html.contains("<suspect>"));
    }

    @Test
    void withoutLandscapeOnlyTheTrajectoryIsDrawn(@TempDir Path dir) throws Exception {
        ScanReports.write(report(false), dir);
        assertTrue(Files.exists(dir.resolve("loss-trajectory.png")));
        assertFalse(Files.exists(dir.resolve("landscape.png")));
        assertTrue(Files.readString(dir.resolve("report.html")).contains("data:image/png;base64,"));
    }
}

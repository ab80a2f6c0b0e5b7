package org.amdet.report;

import org.amdet.landscape.Surfaces;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;

/**
 * The pictures a user looks at to trust a verdict, rendered off-screen with JFreeChart as PNG bytes: the loss
 * landscape (heat map with contour lines and a colour bar), the Hessian eigenvalue histogram and the loss trajectory.
 * No window is opened and {@code java.awt.headless} is left as the application set it (Java picks headless itself when
 * there is no display; the {@code amdet} launcher sets {@code -Djava.awt.headless=true}).
 */
final class Charts {
    /** Width and height of every picture in pixels. */
    public static final int WIDTH = 900;
    public static final int HEIGHT = 700;
    private static final Font CAPTION = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    private Charts() {
    }

    /**
     * Heat map of {@code surface} over {@code axis}² (rows along d1 on the x axis, columns along d2 on the y axis) with
     * {@code contours} iso-lines, a colour bar and the caption under the title.
     */
    public static byte[] landscape(double[] axis, double[][] surface, int contours, String title, String caption) {
        Surfaces.validate(surface);
        int n = surface.length;
        int m = surface[0].length;
        double[] xs = new double[n * m];
        double[] ys = new double[n * m];
        double[] zs = new double[n * m];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                int k = i * m + j;
                xs[k] = axis[i];
                ys[k] = axis[Math.min(j, axis.length - 1)];
                zs[k] = surface[i][j];
                lo = Math.min(lo, zs[k]);
                hi = Math.max(hi, zs[k]);
            }
        }
        if (hi - lo < 1e-12) {
            hi = lo + 1e-12;
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("objective", new double[][] {xs, ys, zs});
        double step = axis.length > 1 ? axis[1] - axis[0] : 1;
        XYBlockRenderer r = new XYBlockRenderer();
        r.setBlockWidth(step);
        r.setBlockHeight(step);
        Viridis scale = new Viridis(lo, hi);
        r.setPaintScale(scale);
        NumberAxis x = new NumberAxis("α along d1 (normalised −gradient)");
        NumberAxis y = new NumberAxis("β along d2 (random, orthogonal)");
        x.setRange(axis[0] - step / 2, axis[axis.length - 1] + step / 2);
        y.setRange(axis[0] - step / 2, axis[axis.length - 1] + step / 2);
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        for (int c = 1; c <= contours; c++) {
            double level = lo + (hi - lo) * c / (contours + 1);
            for (double[] seg : Contours.segments(axis, surface, level)) {
                plot.addAnnotation(new XYLineAnnotation(seg[0], seg[1], seg[2], seg[3],
                        new BasicStroke(1.0f), new Color(255, 255, 255, 170)));
            }
        }
        plot.addDomainMarker(new ValueMarker(0, new Color(255, 80, 80), new BasicStroke(1f)));
        plot.addRangeMarker(new ValueMarker(0, new Color(255, 80, 80), new BasicStroke(1f)));
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        NumberAxis legendAxis = new NumberAxis("objective");
        legendAxis.setRange(lo, hi);
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setAxisLocation(AxisLocation.TOP_OR_RIGHT);
        legend.setMargin(10, 10, 10, 10);
        legend.setStripWidth(18);
        chart.addSubtitle(legend);
        chart.addSubtitle(caption(caption));
        chart.setBackgroundPaint(Color.WHITE);
        return png(chart);
    }

    /** Histogram of Hessian eigenvalues with the positive threshold marked. */
    public static byte[] spectrum(double[] eigenvalues, double threshold, String title, String caption) {
        HistogramDataset data = new HistogramDataset();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : eigenvalues) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (eigenvalues.length == 0) {
            eigenvalues = new double[] {0};
            lo = -1;
            hi = 1;
        }
        if (hi - lo < 1e-12) {
            lo -= 1e-6;
            hi += 1e-6;
        }
        data.addSeries("eigenvalues", eigenvalues, 60, lo, hi);
        NumberAxis x = new NumberAxis("eigenvalue of the central-difference Hessian");
        NumberAxis y = new NumberAxis("count");
        XYBarRenderer r = new XYBarRenderer(0.05);
        r.setShadowVisible(false);
        r.setBarPainter(new StandardXYBarPainter());
        r.setSeriesPaint(0, new Color(59, 82, 139));
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ValueMarker mark = new ValueMarker(threshold, new Color(200, 40, 40), new BasicStroke(2f));
        mark.setLabel("positive above " + threshold);
        mark.setLabelFont(CAPTION);
        mark.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        mark.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        plot.addDomainMarker(mark);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.addSubtitle(caption(caption));
        chart.setBackgroundPaint(Color.WHITE);
        return png(chart);
    }

    /** The objective after every optimisation step, with its running mean. */
    public static byte[] trajectory(double[] losses, String title, String caption) {
        XYSeries loss = new XYSeries("objective");
        XYSeries mean = new XYSeries("running mean");
        double s = 0;
        for (int i = 0; i < losses.length; i++) {
            s += losses[i];
            loss.add(i + 1, losses[i]);
            mean.add(i + 1, s / (i + 1));
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(loss);
        data.addSeries(mean);
        NumberAxis x = new NumberAxis("optimisation step");
        NumberAxis y = new NumberAxis("−L_a + β·L_s + γ·L_d");
        y.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, new Color(120, 160, 220));
        r.setSeriesPaint(1, new Color(20, 40, 120));
        r.setSeriesStroke(1, new BasicStroke(2.5f));
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.addSubtitle(caption(caption));
        chart.setBackgroundPaint(Color.WHITE);
        return png(chart);
    }

    private static TextTitle caption(String text) {
        TextTitle t = new TextTitle(text, CAPTION);
        t.setPosition(RectangleEdge.TOP);
        return t;
    }

    private static byte[] png(JFreeChart chart) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A perceptually uniform colour scale (viridis, interpolated between eight anchors). */
    static final class Viridis implements PaintScale {
        private static final int[][] ANCHORS = {{68, 1, 84}, {70, 50, 127}, {54, 92, 141}, {39, 127, 142},
                {31, 161, 135}, {74, 194, 109}, {159, 218, 58}, {253, 231, 37}};
        private final double lo;
        private final double hi;

        Viridis(double lo, double hi) {
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        public double getLowerBound() {
            return lo;
        }

        @Override
        public double getUpperBound() {
            return hi;
        }

        @Override
        public Paint getPaint(double value) {
            double t = Math.max(0, Math.min(1, (value - lo) / (hi - lo)));
            double p = t * (ANCHORS.length - 1);
            int i = Math.min((int) p, ANCHORS.length - 2);
            double f = p - i;
            int[] a = ANCHORS[i];
            int[] b = ANCHORS[i + 1];
            return new Color((int) (a[0] + f * (b[0] - a[0])), (int) (a[1] + f * (b[1] - a[1])),
                    (int) (a[2] + f * (b[2] - a[2])));
        }
    }
}

package dev.abi.benchmarks.ann;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A recall / QPS plot (log QPS) as a standalone SVG, one polyline per contender. */
final class Svg {

    private static final String[] COLOURS = {
        "#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"
    };

    private Svg() {}

    /** {@code series}: contender name to points of (recall, qps). */
    static String plot(String title, Map<String, List<double[]>> series) {
        double minQ = Double.MAX_VALUE;
        double maxQ = 0;
        for (List<double[]> points : series.values()) {
            for (double[] p : points) {
                minQ = Math.min(minQ, p[1]);
                maxQ = Math.max(maxQ, p[1]);
            }
        }
        double lo = Math.floor(Math.log10(Math.max(1e-3, minQ)));
        double hi = Math.ceil(Math.log10(Math.max(maxQ, 1)));
        if (hi <= lo) {
            hi = lo + 1;
        }
        int w = 760;
        int h = 480;
        int left = 70;
        int right = 200;
        int top = 40;
        int bottom = 50;
        double xLo = 0.80;
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
                w,
                h));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>%n", left, title));
        int plotW = w - left - right;
        int plotH = h - top - bottom;
        s.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>%n",
                left,
                top,
                plotW,
                plotH));
        for (double r = xLo; r <= 1.0001; r += 0.05) {
            double x = left + (r - xLo) / (1 - xLo) * plotW;
            s.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.2f</text>%n",
                    x,
                    top,
                    x,
                    top + plotH,
                    x,
                    top + plotH + 16,
                    r));
        }
        for (double e = lo; e <= hi; e++) {
            double y = top + plotH - (e - lo) / (hi - lo) * plotH;
            s.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    left,
                    y,
                    left + plotW,
                    y,
                    left - 6,
                    y + 4,
                    String.format(Locale.ROOT, "%,.0f", Math.pow(10, e))));
        }
        s.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">recall@10</text>%n",
                left + plotW / 2,
                h - 12));
        s.append(String.format(
                Locale.ROOT,
                "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" "
                        + "text-anchor=\"middle\">queries per CPU-second, 1 thread (log)</text>%n",
                top + plotH / 2,
                top + plotH / 2));
        int i = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            String colour = COLOURS[i % COLOURS.length];
            StringBuilder pts = new StringBuilder();
            for (double[] p : e.getValue()) {
                if (p[0] < xLo) {
                    continue;
                }
                double x = left + (p[0] - xLo) / (1 - xLo) * plotW;
                double y = top + plotH - (Math.log10(p[1]) - lo) / (hi - lo) * plotH;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                s.append(String.format(
                        Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n", x, y, colour));
            }
            s.append(String.format(
                    Locale.ROOT,
                    "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"/>%n",
                    pts.toString().trim(),
                    colour));
            int ly = top + 14 + 18 * i;
            s.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>"
                            + "<text x=\"%d\" y=\"%d\">%s</text>%n",
                    left + plotW + 12,
                    ly,
                    left + plotW + 32,
                    ly,
                    colour,
                    left + plotW + 38,
                    ly + 4,
                    e.getKey()));
            i++;
        }
        return s.append("</svg>\n").toString();
    }
}

package io.backfillfleet.readcheck;

import io.backfillfleet.readcheck.ReadCheckReport.ClusterStats;
import io.backfillfleet.readcheck.ReadCheckReport.Example;
import io.backfillfleet.readcheck.ReadCheckReport.ShapeVerdict;
import io.backfillfleet.readcheck.ReadCheckReport.TimePoint;
import java.util.List;
import java.util.Locale;

/**
 * The report for people, one self-contained page (inline SVG, no scripts, no network): the verdict and why, both
 * clusters' latency distributions side by side, the mismatch rate over time, a verdict per query shape, and the
 * worst mismatches with both answers and a copy-as-curl of each request.
 */
public final class ReportHtml {
  private static final String LEGACY = "#4e79a7";
  private static final String NEW = "#f28e2b";
  private static final String BAD = "#e15759";

  private ReportHtml() {}

  public static String render(ReadCheckReport r, String title) {
    StringBuilder h = new StringBuilder(32_000);
    h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
        .append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}")
        .append("h1{font-size:22px}h2{font-size:17px;margin-top:28px}")
        .append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
        .append("td.l,th.l{text-align:left}.ready{background:#e3f4e1;border:2px solid #59a14f}")
        .append(".notready{background:#fbe3e3;border:2px solid ").append(BAD).append("}")
        .append(".verdict{padding:10px 14px;font-size:18px;margin:12px 0}")
        .append("pre{background:#f6f6f6;padding:6px;white-space:pre-wrap;word-break:break-all;font-size:12px;max-height:260px;overflow:auto}")
        .append(".example{border:1px solid #ddd;padding:8px;margin:10px 0}.cols{display:flex;gap:10px}.cols>div{flex:1;min-width:0}")
        .append("</style></head><body>");
    h.append("<h1>").append(esc(title)).append("</h1>");
    boolean ready = r.gate().ready();
    h.append("<div id=\"verdict\" class=\"verdict ").append(ready ? "ready" : "notready").append("\"><b>")
        .append(ready ? "READY for reads" : "NOT READY for reads").append("</b>");
    h.append(String.format(Locale.ROOT, " &mdash; %d reads compared, %d differ (%.4f, at most %.4f allowed), new p99 %.2fx legacy's"
        + " (at most %.2fx)", r.requests(), r.mismatches(), r.mismatchRatio(), r.gate().maxMismatchRatio(),
        r.latencyRatio(), r.gate().maxLatencyRatio()));
    if (!r.gate().reasons().isEmpty()) {
      h.append("<ul>");
      r.gate().reasons().forEach(x -> h.append("<li>").append(esc(x)).append("</li>"));
      h.append("</ul>");
    }
    h.append("</div>");
    h.append(String.format(Locale.ROOT, "<p>Started %s, ran %.0f s. %d reads differed at first and agreed when asked again"
        + " after %.1f s (lag, not counted).%s Ignored: %s.</p>", esc(r.startedAt()), r.seconds(), r.settled(),
        r.settleSeconds(), r.dropped() + r.sampledOut() > 0 ? " Mirror: " + r.dropped() + " reads dropped (new cluster"
            + " behind), " + r.sampledOut() + " left out by sampling." : "", esc(String.join(", ", r.ignoreRules()))));

    h.append("<h2>Latency, both clusters side by side</h2>");
    h.append("<table id=\"latency-table\"><tr><th class=\"l\">cluster</th><th class=\"l\">url</th><th>reads</th><th>errors</th>"
        + "<th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th></tr>");
    for (ClusterStats c : List.of(r.legacy(), r.candidate())) {
      h.append(String.format(Locale.ROOT, "<tr><td class=\"l\">%s</td><td class=\"l\">%s</td><td>%d</td><td>%d (%.2f%%)</td>"
          + "<td>%.1f</td><td>%.1f</td><td>%.1f</td><td>%.1f</td></tr>", c.name(), esc(c.url()), c.requests(), c.errors(),
          c.errorRate() * 100, c.latency().p50(), c.latency().p95(), c.latency().p99(), c.latency().max()));
    }
    h.append("</table>");
    latencyChart(h, r);

    h.append("<h2>Mismatch rate over time</h2>");
    timelineChart(h, r.timeline());

    h.append("<h2>Verdict per query shape</h2><table id=\"shapes\"><tr><th class=\"l\">shape</th><th>reads</th><th>differ</th>"
        + "<th>settled</th><th class=\"l\">kinds</th><th>legacy p99 ms</th><th>new p99 ms</th><th>ratio</th>"
        + "<th class=\"l\">verdict</th></tr>");
    for (ShapeVerdict s : r.shapes()) {
      h.append(String.format(Locale.ROOT, "<tr><td class=\"l\">%s</td><td>%d</td><td>%d</td><td>%d</td><td class=\"l\">%s</td>"
          + "<td>%.1f</td><td>%.1f</td><td>%.2f</td><td class=\"l\" style=\"color:%s\"><b>%s</b></td></tr>", esc(s.shape()),
          s.requests(), s.mismatches(), s.settled(), esc(s.kinds().toString()), s.legacy().p99(), s.candidate().p99(),
          s.latencyRatio(), s.verdict().equals("same") ? "#59a14f" : BAD, esc(s.verdict())));
    }
    h.append("</table>");

    h.append("<h2>Worst mismatches</h2><div id=\"worst\">");
    if (r.worst().isEmpty()) h.append("<p>None.</p>");
    for (Example e : r.worst()) {
      h.append("<div class=\"example\"><b>").append(esc(e.shape())).append("</b>")
          .append(e.label() == null ? "" : " &mdash; " + esc(e.label())).append("<ul>");
      e.differences().forEach(d -> h.append("<li>").append(esc(d)).append("</li>"));
      h.append("</ul><div class=\"cols\"><div><b>legacy</b> (HTTP ").append(e.legacyStatus()).append(")<pre class=\"curl\">")
          .append(esc(e.legacyCurl())).append("</pre><details><summary>answer</summary><pre>").append(esc(e.legacyAnswer()))
          .append("</pre></details></div><div><b>new</b> (HTTP ").append(e.candidateStatus()).append(")<pre class=\"curl\">")
          .append(esc(e.candidateCurl())).append("</pre><details><summary>answer</summary><pre>")
          .append(esc(e.candidateAnswer())).append("</pre></details></div></div></div>");
    }
    h.append("</div></body></html>\n");
    return h.toString();
  }

  /** Horizontal bars per percentile, legacy and new next to each other, on one scale. */
  private static void latencyChart(StringBuilder h, ReadCheckReport r) {
    List<double[]> a = r.legacy().latency().curve();
    List<double[]> b = r.candidate().latency().curve();
    int rows = Math.max(a.size(), b.size());
    double max = 0.001;
    for (double[] p : a) max = Math.max(max, p[1]);
    for (double[] p : b) max = Math.max(max, p[1]);
    int w = 760;
    int barW = 560;
    int rowH = 30;
    int hgt = 30 + rows * rowH;
    h.append("<svg id=\"latency\" width=\"").append(w).append("\" height=\"").append(hgt)
        .append("\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">");
    h.append("<rect x=\"110\" y=\"4\" width=\"12\" height=\"10\" fill=\"").append(LEGACY).append("\"/><text x=\"126\" y=\"13\">legacy</text>");
    h.append("<rect x=\"190\" y=\"4\" width=\"12\" height=\"10\" fill=\"").append(NEW).append("\"/><text x=\"206\" y=\"13\">new</text>");
    for (int i = 0; i < rows; i++) {
      int y = 24 + i * rowH;
      double pct = i < a.size() ? a.get(i)[0] : b.get(i)[0];
      h.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\">%s</text>", y + 14, pct >= 100 ? "max" : "p" + trim(pct)));
      bar(h, 50, y, i < a.size() ? a.get(i)[1] : 0, max, barW, LEGACY);
      bar(h, 50, y + 12, i < b.size() ? b.get(i)[1] : 0, max, barW, NEW);
    }
    h.append("</svg>");
  }

  private static void bar(StringBuilder h, int x, int y, double v, double max, int width, String color) {
    double len = Math.max(1, v / max * width);
    h.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"11\" fill=\"%s\"/>"
        + "<text x=\"%.1f\" y=\"%d\">%.1f ms</text>", x, y, len, color, x + len + 4, y + 10, v));
  }

  /** Reads per bucket (grey) with the share that differed (red line), on the run's own time axis. */
  private static void timelineChart(StringBuilder h, List<TimePoint> points) {
    int w = 760;
    int hgt = 180;
    int left = 40;
    int plotW = w - left - 10;
    int plotH = 130;
    h.append("<svg id=\"timeline\" width=\"").append(w).append("\" height=\"").append(hgt)
        .append("\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">");
    if (points.isEmpty()) {
      h.append("<text x=\"10\" y=\"20\">no reads yet</text></svg>");
      return;
    }
    long maxReq = points.stream().mapToLong(TimePoint::requests).max().orElse(1);
    double bw = (double) plotW / points.size();
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < points.size(); i++) {
      TimePoint p = points.get(i);
      double bh = maxReq == 0 ? 0 : (double) p.requests() / maxReq * plotH;
      h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#ddd\"/>",
          left + i * bw, 10 + plotH - bh, Math.max(0.5, bw - 1), bh));
      double rate = p.requests() == 0 ? 0 : (double) p.mismatches() / p.requests();
      line.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + i * bw + bw / 2, 10 + plotH - rate * plotH));
    }
    h.append("<polyline id=\"mismatch-rate\" fill=\"none\" stroke=\"").append(BAD).append("\" stroke-width=\"2\" points=\"")
        .append(line.toString().strip()).append("\"/>");
    TimePoint last = points.get(points.size() - 1);
    h.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"16\">100%%</text><text x=\"2\" y=\"%d\">0%%</text>"
        + "<text x=\"%d\" y=\"%d\">0 s</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f s (bucket %.0f s; grey: reads,"
        + " red: share that differed)</text>", 10 + plotH, left, hgt - 8, w - 10, hgt - 8,
        last.startSecond() + last.widthSeconds(), last.widthSeconds()));
    h.append("</svg>");
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  static String esc(String s) {
    if (s == null) return "";
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}

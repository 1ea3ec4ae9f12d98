package io.backfillfleet.planner;

import java.time.Instant;
import java.util.Locale;

/**
 * A self-contained HTML page (inline SVG, no network) that draws each tenant's timeline with its slice
 * boundaries on one shared time axis: a busy tenant shows many short windows, a quiet one a few long ones.
 */
public final class PlanTimelineHtml {
  private static final int WIDTH = 1000;
  private static final int ROW = 22;
  private static final int LABEL = 220;

  private PlanTimelineHtml() {}

  public static String render(Plan plan, String title) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (SliceSpec s : plan.slices()) {
      if (s.window().missingTimestamp()) continue;
      min = Math.min(min, s.window().from().toEpochMilli());
      max = Math.max(max, s.window().to().toEpochMilli());
    }
    if (min >= max) max = min + 1;
    int height = ROW * (plan.tenants().size() + 2);
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
        + "font-family='sans-serif' font-size='12'>%n", LABEL + WIDTH + 20, height));
    int row = 0;
    java.util.Map<String, String> packedInto = plan.packedInto();
    for (TenantPlan t : plan.tenants()) {
      int y = ROW * row++ + 4;
      String packed = t.slices().isEmpty() ? null : packedInto.get(t.slices().get(0).id());
      svg.append(String.format(Locale.ROOT, "<text x='4' y='%d'>%s (%d docs, %s)</text>%n", y + 13,
          escape(clip(io.backfillfleet.store.TenantSpan.label(t.span().tenant()))), t.span().docs(),
          packed == null ? t.slices().size() + " slices" : "in " + escape(packed)));
      int i = 0;
      for (SliceSpec s : t.slices()) {
        if (s.window().missingTimestamp()) continue;
        double x0 = LABEL + WIDTH * (double) (s.window().from().toEpochMilli() - min) / (max - min);
        double x1 = LABEL + WIDTH * (double) (s.window().to().toEpochMilli() - min) / (max - min);
        String fill = s.hotSpot() ? "#d62728" : (i++ % 2 == 0 ? "#1f77b4" : "#6baed6");
        svg.append(String.format(Locale.ROOT, "<rect x='%.2f' y='%d' width='%.2f' height='%d' fill='%s' stroke='white'"
                + " stroke-width='0.5'><title>%s %s .. %s: %d docs</title></rect>%n", x0, y, Math.max(0.5, x1 - x0),
            ROW - 6, fill, escape(s.id()), s.window().from(), s.window().to(), s.estimatedDocs()));
      }
    }
    int axis = ROW * row + 16;
    svg.append(String.format(Locale.ROOT, "<text x='%d' y='%d'>%s</text><text x='%d' y='%d' text-anchor='end'>%s</text>%n",
        LABEL, axis, Instant.ofEpochMilli(min), LABEL + WIDTH, axis, Instant.ofEpochMilli(max)));
    svg.append("</svg>\n");
    return "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>" + escape(title) + "</title></head><body>\n"
        + "<h2>" + escape(title) + "</h2>\n<p>Each row is a tenant, each box a slice of about " + plan.docsPerSlice()
        + " documents on one shared time axis (red: a hot spot no time cut can split). Hover a box for its window.</p>\n"
        + svg + "</body></html>\n";
  }

  private static String clip(String s) {
    return s.length() <= 28 ? s : s.substring(0, 25) + "...";
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace("\"", "&quot;");
  }
}

package io.backfillfleet.store.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import io.backfillfleet.store.SearchVisibility;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An index's search visibility from {@code GET /<index>/_settings/index.refresh_interval?include_defaults&flat_settings}:
 * a change is searchable after at most one refresh interval (a search-idle shard refreshes before it answers, so
 * that only makes searches fresher). Several indices (an alias, a pattern): the longest; {@code -1} on any: none.
 */
final class EsSearchVisibility {
  private static final String KEY = "index.refresh_interval";
  private static final Pattern TIME = Pattern.compile("(\\d+)\\s*(nanos|micros|ms|s|m|h|d)?");

  private EsSearchVisibility() {}

  static SearchVisibility of(JsonNode answer) {
    Duration longest = null;
    String where = null;
    int indices = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = answer.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> index = it.next();
      indices++;
      JsonNode v = index.getValue().path("settings").path(KEY);
      if (v.isMissingNode()) v = index.getValue().path("defaults").path(KEY);
      String text = v.isMissingNode() ? "1s" : v.asText(); // Elasticsearch's default when neither is given
      Duration d = parse(text);
      if (d == null) {
        return SearchVisibility.unbounded("index " + index.getKey() + " has " + KEY + " " + text
            + ": its changes become searchable only when something refreshes it");
      }
      if (longest == null || d.compareTo(longest) > 0) {
        longest = d;
        where = index.getKey() + " " + KEY + " " + text;
      }
    }
    if (indices == 0) return SearchVisibility.unbounded("no index answered with its " + KEY);
    return SearchVisibility.within(longest, where);
  }

  /** An Elasticsearch time value ("1s", "500ms", "2m"); null for -1 (refresh off) or what cannot be read. */
  static Duration parse(String text) {
    Matcher m = TIME.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) return null;
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    return switch (unit) {
      case "nanos" -> Duration.ofNanos(n);
      case "micros" -> Duration.ofNanos(n * 1000);
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}

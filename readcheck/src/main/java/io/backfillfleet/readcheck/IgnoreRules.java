package io.backfillfleet.readcheck;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the comparison does not look at. A rule is a key name ignored wherever it appears ({@code took}),
 * a dotted path from the response's root ({@code hits.max_score}), or one of three words: {@code order} (top ids
 * compared as sets only), {@code fields} (returned documents' fields not compared), {@code hits} (hit counts not
 * compared). The defaults are the parts that differ between two healthy clusters answering the same.
 */
public final class IgnoreRules {
  /** Timings, scores, shard and version bookkeeping, index names: never a sign of missing or wrong data. */
  public static final List<String> DEFAULTS = List.of("took", "QTime", "responseHeader", "_shards", "timed_out",
      "max_score", "maxScore", "_score", "score", "_version_", "_version", "_seq_no", "_primary_term", "_index",
      "_type", "_node", "_explanation", "profile");

  private final Set<String> names = new LinkedHashSet<>();
  private final Set<String> paths = new LinkedHashSet<>();
  private final boolean order;
  private final boolean fields;
  private final boolean hits;

  private IgnoreRules(List<String> rules) {
    boolean o = false;
    boolean f = false;
    boolean h = false;
    for (String raw : rules) {
      String r = raw.strip();
      if (r.isEmpty()) continue;
      switch (r) {
        case "order" -> o = true;
        case "fields" -> f = true;
        case "hits" -> h = true;
        default -> {
          if (r.contains(".") && !r.endsWith(".")) paths.add(r);
          else names.add(r.endsWith(".") ? r.substring(0, r.length() - 1) : r);
        }
      }
    }
    order = o;
    fields = f;
    hits = h;
  }

  /** The defaults plus {@code extra}. */
  public static IgnoreRules withDefaults(List<String> extra) {
    List<String> all = new ArrayList<>(DEFAULTS);
    all.addAll(extra);
    return new IgnoreRules(all);
  }

  /** Exactly {@code rules}, no defaults. */
  public static IgnoreRules only(List<String> rules) {
    return new IgnoreRules(rules);
  }

  /** Whether the key {@code name} at {@code path} (dotted, from the root; array positions left out) is ignored. */
  public boolean ignores(String path, String name) {
    return names.contains(name) || paths.contains(path);
  }

  public boolean ignoresOrder() {
    return order;
  }

  public boolean ignoresFields() {
    return fields;
  }

  public boolean ignoresHits() {
    return hits;
  }

  public List<String> describe() {
    List<String> d = new ArrayList<>(names);
    d.addAll(paths);
    if (order) d.add("order");
    if (fields) d.add("fields");
    if (hits) d.add("hits");
    return d;
  }
}

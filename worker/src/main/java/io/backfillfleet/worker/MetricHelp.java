package io.backfillfleet.worker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each exported metric means, by Dropwizard name: the HELP line Prometheus shows and the README's metrics table
 * (a test keeps the two equal). A key with a last segment {@code {label}}, such as {@code readcheck.mismatches.{kind}},
 * matches every name under it and exports them as one family {@code ..._by_<label>} with that label.
 */
public final class MetricHelp {
  /** Help of a name no catalog describes: a test fails on it, so it never ships. */
  static final String UNDOCUMENTED = "undocumented (add it to the metric catalog)";

  private final Map<String, Entry> exact = new LinkedHashMap<>();
  private final Map<String, Entry> patterns = new LinkedHashMap<>();

  /** One catalog line: the Dropwizard name (or pattern) and its meaning. */
  public record Entry(String key, String help) {
    boolean isPattern() {
      return key.endsWith("}");
    }

    String labelName() {
      return key.substring(key.lastIndexOf('{') + 1, key.length() - 1);
    }

    private String base() {
      return key.substring(0, key.lastIndexOf(".{"));
    }

    /** The label's value for this name, or null for an exact entry. */
    String labelValue(String dropwizardName) {
      return isPattern() ? dropwizardName.substring(base().length() + 1) : null;
    }

    /** The Dropwizard-style name of the exported family. */
    String familyName(String dropwizardName) {
      return isPattern() ? base() + "_by_" + labelName() : dropwizardName;
    }
  }

  @SafeVarargs
  public static MetricHelp of(Map<String, String>... catalogs) {
    MetricHelp h = new MetricHelp();
    for (Map<String, String> c : catalogs) {
      c.forEach((k, v) -> (k.endsWith("}") ? h.patterns : h.exact).put(k, new Entry(k, v)));
    }
    return h;
  }

  Entry find(String dropwizardName) {
    Entry e = exact.get(dropwizardName);
    if (e != null) return e;
    for (Entry p : patterns.values()) {
      if (dropwizardName.startsWith(p.base() + ".")) return p;
    }
    return new Entry(dropwizardName, UNDOCUMENTED);
  }

  /** Every entry, exact ones first, in catalog order. */
  public List<Entry> entries() {
    return java.util.stream.Stream.concat(exact.values().stream(), patterns.values().stream()).toList();
  }
}

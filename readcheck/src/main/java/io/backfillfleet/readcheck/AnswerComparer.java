package io.backfillfleet.readcheck;

import com.fasterxml.jackson.databind.JsonNode;
import io.backfillfleet.readcheck.Difference.Kind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares a legacy answer with the new cluster's answer to the same question: status, hit count, top ids
 * (as sets, then in order), the returned documents' fields, and buckets; an answer of a shape it does not know is
 * compared as a JSON tree. What {@link IgnoreRules} names is left out everywhere.
 */
public final class AnswerComparer {
  private static final int MAX_LISTED = 5;

  private final IgnoreRules ignore;
  private final String idField;

  /** @param idField the id field of Solr documents (Elasticsearch's is {@code _id}) */
  public AnswerComparer(IgnoreRules ignore, String idField) {
    this.ignore = ignore;
    this.idField = idField;
  }

  public List<Difference> compare(Answer legacy, Answer candidate) {
    List<Difference> out = new ArrayList<>();
    if (legacy.failed() || candidate.failed() || legacy.status() != candidate.status()) {
      out.add(new Difference(Kind.STATUS, "legacy " + statusOf(legacy) + ", new " + statusOf(candidate)));
      return out;
    }
    if (legacy.status() >= 300) return out; // the same refusal; error texts differ between versions
    compare("", ResponseView.of(legacy.body(), idField), ResponseView.of(candidate.body(), idField), out);
    return out;
  }

  private static String statusOf(Answer a) {
    return a.failed() ? "no answer (" + a.error() + ")" : "HTTP " + a.status();
  }

  private void compare(String where, ResponseView a, ResponseView b, List<Difference> out) {
    if (a.parts() != null || b.parts() != null) {
      int na = a.parts() == null ? 0 : a.parts().size();
      int nb = b.parts() == null ? 0 : b.parts().size();
      if (na != nb) out.add(new Difference(Kind.BODY, where + "legacy has " + na + " responses, new " + nb));
      for (int i = 0; i < Math.min(na, nb); i++) compare(where + "responses[" + i + "] ", a.parts().get(i), b.parts().get(i), out);
      return;
    }
    if (!a.recognized() && !b.recognized()) {
      List<String> paths = new ArrayList<>();
      jsonDiff("", "", a.json(), b.json(), paths);
      if (!paths.isEmpty()) {
        out.add(new Difference(Kind.BODY, where + "differs at " + String.join(", ", paths.subList(0, Math.min(MAX_LISTED,
            paths.size()))) + (paths.size() > MAX_LISTED ? " and " + (paths.size() - MAX_LISTED) + " more" : "")));
      }
      return;
    }
    if (!ignore.ignoresHits() && a.hits() != null && b.hits() != null && !a.hits().equals(b.hits())) {
      out.add(new Difference(Kind.HITS, where + "legacy " + a.hits() + " hits, new " + b.hits()
          + " (" + signed(b.hits() - a.hits()) + ")"));
    }
    if (a.ids() != null && b.ids() != null) {
      Set<String> missing = new LinkedHashSet<>(a.ids());
      missing.removeAll(b.ids());
      Set<String> extra = new LinkedHashSet<>(b.ids());
      extra.removeAll(a.ids());
      if (!missing.isEmpty() || !extra.isEmpty()) {
        out.add(new Difference(Kind.IDS, where + "top " + a.ids().size() + " ids: " + missing.size() + " missing in new "
            + list(missing) + ", " + extra.size() + " extra in new " + list(extra)));
      } else if (!ignore.ignoresOrder() && !a.ids().equals(b.ids())) {
        out.add(new Difference(Kind.ORDER, where + "same top " + a.ids().size() + " ids in another order: legacy "
            + list(a.ids()) + ", new " + list(b.ids())));
      }
      if (!ignore.ignoresFields()) compareDocs(where, a.docs(), b.docs(), out);
    }
    Set<String> names = new TreeSet<>(a.buckets().keySet());
    names.addAll(b.buckets().keySet());
    for (String name : names) {
      Map<String, Long> x = a.buckets().get(name);
      Map<String, Long> y = b.buckets().get(name);
      if (x == null || y == null) {
        out.add(new Difference(Kind.BUCKETS, where + "'" + name + "' only in " + (x == null ? "new" : "legacy")));
        continue;
      }
      List<String> diffs = new ArrayList<>();
      Set<String> keys = new TreeSet<>(x.keySet());
      keys.addAll(y.keySet());
      for (String k : keys) {
        if (!Objects.equals(x.get(k), y.get(k))) diffs.add(k + ": " + x.get(k) + " vs " + y.get(k));
      }
      if (!diffs.isEmpty()) {
        out.add(new Difference(Kind.BUCKETS, where + "'" + name + "' " + diffs.size() + " buckets differ (legacy vs new) "
            + list(diffs)));
      }
    }
  }

  private void compareDocs(String where, Map<String, JsonNode> a, Map<String, JsonNode> b, List<Difference> out) {
    List<String> diffs = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : a.entrySet()) {
      JsonNode other = b.get(e.getKey());
      if (other == null) continue; // already reported as a missing id
      Set<String> fields = new TreeSet<>();
      e.getValue().fieldNames().forEachRemaining(fields::add);
      other.fieldNames().forEachRemaining(fields::add);
      for (String f : fields) {
        if (f.equals(idField) || ignore.ignores(f, f)) continue;
        JsonNode x = e.getValue().get(f);
        JsonNode y = other.get(f);
        if (!sameValue(x, y)) {
          diffs.add("id " + e.getKey() + " field '" + f + "': legacy " + shortText(x) + ", new " + shortText(y));
        }
      }
    }
    if (!diffs.isEmpty()) {
      out.add(new Difference(Kind.FIELDS, where + diffs.size() + " field values differ " + list(diffs)));
    }
  }

  /** Equal as JSON, where a one-element list equals its element and numbers compare by value (1 = 1.0). */
  static boolean sameValue(JsonNode x, JsonNode y) {
    if (x == null || x.isNull() || x.isMissingNode()) return y == null || y.isNull() || y.isMissingNode();
    if (y == null || y.isNull() || y.isMissingNode()) return false;
    if (x.isArray() && x.size() == 1 && !y.isArray()) return sameValue(x.get(0), y);
    if (y.isArray() && y.size() == 1 && !x.isArray()) return sameValue(x, y.get(0));
    if (x.isNumber() && y.isNumber()) {
      try {
        return new BigDecimal(x.asText()).compareTo(new BigDecimal(y.asText())) == 0;
      } catch (NumberFormatException nanOrInfinity) {
        return x.asText().equals(y.asText());
      }
    }
    if (x.isArray() && y.isArray()) {
      if (x.size() != y.size()) return false;
      for (int i = 0; i < x.size(); i++) if (!sameValue(x.get(i), y.get(i))) return false;
      return true;
    }
    if (x.isObject() && y.isObject()) {
      Set<String> keys = new TreeSet<>();
      x.fieldNames().forEachRemaining(keys::add);
      y.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) if (!sameValue(x.get(k), y.get(k))) return false;
      return true;
    }
    if (x.isTextual() && y.isTextual()) return x.asText().equals(y.asText()) || sameInstant(x.asText(), y.asText());
    return x.equals(y);
  }

  /** Dates written differently by two engines (Solr drops zero milliseconds): equal when the instants are. */
  private static boolean sameInstant(String a, String b) {
    if (a.length() < 20 || b.length() < 20 || a.charAt(10) != 'T' || b.charAt(10) != 'T') return false;
    try {
      return java.time.OffsetDateTime.parse(a).toInstant().equals(java.time.OffsetDateTime.parse(b).toInstant());
    } catch (java.time.DateTimeException e) {
      return false;
    }
  }

  private void jsonDiff(String path, String name, JsonNode x, JsonNode y, List<String> out) {
    if (!name.isEmpty() && ignore.ignores(path, name)) return;
    if (x == null || y == null || x.getNodeType() != y.getNodeType()) {
      if (!sameValue(x, y)) out.add(path.isEmpty() ? "(root)" : path);
      return;
    }
    if (x.isObject()) {
      Set<String> keys = new TreeSet<>();
      x.fieldNames().forEachRemaining(keys::add);
      y.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) jsonDiff(path.isEmpty() ? k : path + "." + k, k, x.get(k), y.get(k), out);
    } else if (x.isArray()) {
      if (x.size() != y.size()) {
        out.add(path + " (" + x.size() + " vs " + y.size() + " elements)");
        return;
      }
      for (int i = 0; i < x.size(); i++) jsonDiff(path, "", x.get(i), y.get(i), out);
    } else if (!sameValue(x, y)) {
      out.add(path.isEmpty() ? "(root)" : path);
    }
  }

  private static String shortText(JsonNode n) {
    if (n == null || n.isMissingNode()) return "(missing)";
    String t = n.toString();
    return t.length() > 80 ? t.substring(0, 80) + "..." : t;
  }

  private static String list(Iterable<String> items) {
    List<String> shown = new ArrayList<>();
    int n = 0;
    for (Iterator<String> it = items.iterator(); it.hasNext(); ) {
      String s = it.next();
      if (n++ < MAX_LISTED) shown.add(s);
    }
    return "[" + String.join(", ", shown) + (n > MAX_LISTED ? ", ... " + (n - MAX_LISTED) + " more" : "") + "]";
  }

  private static String signed(long d) {
    return d > 0 ? "+" + d : Long.toString(d);
  }
}

package io.backfillfleet.readcheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A query's shape: method, path with the collection and document ids replaced by placeholders, and the names of
 * its parameters (and of a JSON body's top-level keys), so that "counts per tenant" and "newest documents" are
 * judged apart however many tenants there are.
 */
public final class QueryShape {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DOC_ID = Pattern.compile("/(_doc|_source|_create)/[^/]+$");

  private QueryShape() {}

  /** @param collection the legacy collection or index name, replaced by {@code {collection}} */
  public static String of(ReadRequest r, String collection) {
    StringBuilder path = new StringBuilder();
    for (String seg : r.path().split("/")) {
      if (seg.isEmpty()) continue;
      path.append('/').append(seg.equals(collection) ? "{collection}" : seg);
    }
    String p = DOC_ID.matcher(path.toString()).replaceAll("/$1/{id}");
    StringBuilder sb = new StringBuilder(r.method()).append(' ').append(p.isEmpty() ? "/" : p);
    TreeSet<String> params = r.paramNames();
    if (!params.isEmpty()) sb.append(" ?").append(String.join(",", params));
    TreeSet<String> bodyKeys = bodyKeys(r.body());
    if (!bodyKeys.isEmpty()) sb.append(" {").append(String.join(",", bodyKeys)).append('}');
    return sb.toString();
  }

  private static TreeSet<String> bodyKeys(String body) {
    TreeSet<String> keys = new TreeSet<>();
    if (body == null || !body.startsWith("{")) return keys;
    try {
      JsonNode n = JSON.readTree(body.lines().findFirst().orElse(body));
      if (n.isObject()) n.fieldNames().forEachRemaining(keys::add);
    } catch (Exception e) {
      keys.add("(not JSON)");
    }
    return keys;
  }
}

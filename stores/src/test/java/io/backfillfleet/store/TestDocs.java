package io.backfillfleet.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Generated documents in the neutral form. */
final class TestDocs {
  private TestDocs() {}

  static Doc doc(String tenant, String id, Instant ts, String origin) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("id", id);
    f.put("tenant", tenant);
    if (ts != null) f.put("ts", ts.toString());
    f.put("title", "title of " + id);
    f.put("n", Math.abs(id.hashCode() % 1000));
    f.put("amount", 1.5);
    f.put("tags", List.of("a", "b-" + (id.length() % 3)));
    f.put("origin", origin);
    return new Doc(id, f);
  }

  /** Keys of documents routed by their ids. */
  static List<DocKey> keys(String... ids) {
    return keys(List.of(ids));
  }

  static List<DocKey> keys(List<String> ids) {
    return ids.stream().map(DocKey::of).toList();
  }

  /** The versions by id, for assertions. */
  static Map<String, String> byId(Map<DocKey, String> versions) {
    Map<String, String> out = new LinkedHashMap<>();
    versions.forEach((k, v) -> out.put(k.id(), v));
    return out;
  }

  /** {@code count} documents of a tenant, one every {@code stepMillis} from {@code start}. */
  static List<Doc> series(String tenant, int count, Instant start, long stepMillis) {
    List<Doc> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(doc(tenant, tenant + "-" + i, start.plusMillis(stepMillis * i), "backfill"));
    }
    return out;
  }

  static void write(TargetStore store, List<Doc> docs) {
    for (int i = 0; i < docs.size(); i += 500) {
      WriteResult r = store.createIfAbsent(docs.subList(i, Math.min(docs.size(), i + 500)));
      if (!r.rejected().isEmpty()) throw new IllegalStateException("seed rejected: " + r.rejected());
    }
    store.makeVisible();
  }
}

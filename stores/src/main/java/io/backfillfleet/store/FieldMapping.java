package io.backfillfleet.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A per-job mapping applied to each document before it is written: rename some fields, drop others. */
public record FieldMapping(Map<String, String> rename, Set<String> drop) {
  public static final FieldMapping NONE = new FieldMapping(Map.of(), Set.of());

  public FieldMapping {
    rename = rename == null ? Map.of() : Map.copyOf(rename);
    drop = drop == null ? Set.of() : Set.copyOf(drop);
  }

  public Doc apply(Doc doc) {
    if (rename.isEmpty() && drop.isEmpty()) return doc;
    Map<String, Object> out = new LinkedHashMap<>();
    doc.fields().forEach((k, v) -> {
      if (!drop.contains(k)) out.put(rename.getOrDefault(k, k), v);
    });
    return doc.withFields(out); // routing kept: the target may route as the source did
  }
}

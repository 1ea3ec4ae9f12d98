package io.backfillfleet.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An engine-neutral document: its id and JSON-compatible fields (String, Number, Boolean, List, Map,
 * with dates as ISO-8601 strings), so Solr and Elasticsearch can be source and target in any direction.
 */
public record Doc(String id, Map<String, Object> fields) {
  public Doc {
    if (id == null || id.isEmpty()) throw new IllegalArgumentException("a document needs an id");
    fields = fields == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }
}

package io.backfillfleet.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An engine-neutral document: its id, the routing it was stored with (Elasticsearch {@code _routing}; null when
 * routed by id) and JSON-compatible fields (String, Number, Boolean, List, Map, with dates as ISO-8601 strings),
 * so Solr and Elasticsearch can be source and target in any direction.
 */
public record Doc(String id, String routing, Map<String, Object> fields) {
  public Doc {
    if (id == null || id.isEmpty()) throw new IllegalArgumentException("a document needs an id");
    fields = fields == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** A document routed by its id. */
  public Doc(String id, Map<String, Object> fields) {
    this(id, null, fields);
  }

  /** Where this document is in the cluster it was read from. */
  public DocKey key() {
    return new DocKey(id, routing);
  }

  /** The same document with other fields (same id and routing). */
  public Doc withFields(Map<String, Object> newFields) {
    return new Doc(id, routing, newFields);
  }
}

package io.backfillfleet.store.elasticsearch;

import java.util.List;
import java.util.Map;
import org.elasticsearch.client.Request;

/**
 * How a cluster gives a reader one stable view of an index. Elasticsearch (7.10 and later) and OpenSearch (2.4 and
 * later) both have a point-in-time, under different paths and field names; OpenSearch 1.x has none, so there each
 * page is a {@code search_after} search of the live index (see the design notes: the cursor resumes the same way).
 */
enum PointInTimeApi {
  /** {@code POST /<index>/_pit}, answered {@code {"id": ...}}; closed by {@code DELETE /_pit {"id": ...}}. */
  ELASTICSEARCH("/_pit", "id"),
  /** {@code POST /<index>/_search/point_in_time}, answered {@code {"pit_id": ...}}; closed with a list of ids. */
  OPENSEARCH("/_search/point_in_time", "pit_id"),
  /** No point-in-time: each page reads the index as it is (OpenSearch before 2.4). */
  NONE(null, null);

  private final String path;
  private final String idField;

  PointInTimeApi(String path, String idField) {
    this.path = path;
    this.idField = idField;
  }

  boolean exists() {
    return this != NONE;
  }

  Request open(String index, String keepAlive) {
    if (!exists()) throw new IllegalStateException("no point-in-time API");
    Request r = new Request("POST", "/" + index + path);
    r.addParameter("keep_alive", keepAlive);
    return r;
  }

  /** The field of the open answer that holds the id. */
  String idField() {
    return idField;
  }

  Request close(String pitId) {
    Request r = new Request("DELETE", path);
    r.setJsonEntity(HotPathJson.write(this == OPENSEARCH ? Map.of("pit_id", List.of(pitId)) : Map.of("id", pitId)));
    return r;
  }

  /** OpenSearch's API for a server of this version number (e.g. "2.19.6"): point-in-time came with 2.4. */
  static PointInTimeApi forOpenSearch(String version) {
    String[] parts = String.valueOf(version).split("[.-]");
    try {
      int major = Integer.parseInt(parts[0]);
      int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return major > 2 || (major == 2 && minor >= 4) ? OPENSEARCH : NONE;
    } catch (NumberFormatException e) {
      return NONE; // a version we cannot read: the search that every version has
    }
  }
}

package io.backfillfleet.store.elasticsearch;

import java.util.List;
import java.util.Map;
import org.elasticsearch.client.Request;

/**
 * How a cluster gives a reader one stable view of an index. Elasticsearch (7.10 and later, but not the Apache-2.0
 * "oss" build of 7.10, where it is an x-pack feature) and OpenSearch (2.4 and later) both have a point-in-time, under
 * different paths and field names; OpenSearch 1.x and Elasticsearch 7.10 OSS (e.g. Amazon's Elasticsearch Service)
 * have none, so there each page is a {@code search_after} search of the live index (see the design notes: the cursor
 * resumes the same way).
 */
enum PointInTimeApi {
  /** {@code POST /<index>/_pit}, answered {@code {"id": ...}}; closed by {@code DELETE /_pit {"id": ...}}. */
  ELASTICSEARCH("/_pit", "id"),
  /** {@code POST /<index>/_search/point_in_time}, answered {@code {"pit_id": ...}}; closed with a list of ids. */
  OPENSEARCH("/_search/point_in_time", "pit_id"),
  /** No point-in-time: each page reads the index as it is (OpenSearch before 2.4, Elasticsearch 7.10 OSS). */
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
    return atLeast(version, 2, 4) ? OPENSEARCH : NONE;
  }

  /**
   * Elasticsearch's API for a server of this version number and build flavor ({@code GET /}'s
   * {@code version.build_flavor}: "default", or "oss" for the Apache-2.0 builds, which ended with 7.10.2).
   */
  static PointInTimeApi forElasticsearch(String version, String buildFlavor) {
    return atLeast(version, 7, 10) && !"oss".equals(buildFlavor) ? ELASTICSEARCH : NONE;
  }

  /** A version we cannot read is taken as too old: the search that every version has. */
  private static boolean atLeast(String version, int major, int minor) {
    String[] parts = String.valueOf(version).split("[.-]");
    try {
      int ma = Integer.parseInt(parts[0]);
      int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return ma > major || (ma == major && mi >= minor);
    } catch (NumberFormatException e) {
      return false;
    }
  }
}

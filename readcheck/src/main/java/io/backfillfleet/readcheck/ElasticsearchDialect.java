package io.backfillfleet.readcheck;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backfillfleet.store.StoreConfig;
import java.time.Instant;

/**
 * Generated questions as Elasticsearch {@code _count} and {@code _search} bodies, with exact hit counts
 * ({@code track_total_hits}); the id field must be a sortable keyword for "newest" ties to break the same way.
 */
final class ElasticsearchDialect implements QueryDialect {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String index;
  private final StoreConfig c;

  ElasticsearchDialect(String prefix, StoreConfig config) {
    this.index = prefix + "/" + config.collection();
    this.c = config;
  }

  private ObjectNode query(String tenant, Instant from, Instant to) {
    ObjectNode q = JSON.createObjectNode();
    ArrayNode filter = q.putObject("bool").putArray("filter");
    filter.addObject().putObject("term").put(c.tenantField(), tenant);
    if (from != null) {
      filter.addObject().putObject("range").putObject(c.timestampField()).put("gte", from.toString()).put("lt", to.toString());
    }
    return q;
  }

  @Override
  public ReadRequest count(String tenant, Instant from, Instant to) {
    ObjectNode body = JSON.createObjectNode();
    body.set("query", query(tenant, from, to));
    return ReadRequest.post(index + "/_count", body.toString());
  }

  @Override
  public ReadRequest newest(String tenant, int n) {
    ObjectNode body = JSON.createObjectNode();
    body.put("size", n).put("track_total_hits", true);
    body.set("query", query(tenant, null, null));
    ArrayNode sort = body.putArray("sort");
    sort.addObject().put(c.timestampField(), "desc");
    sort.addObject().put(c.idField(), "desc");
    return ReadRequest.post(index + "/_search", body.toString());
  }

  @Override
  public ReadRequest facet(String tenant, String field, int limit) {
    ObjectNode body = JSON.createObjectNode();
    body.put("size", 0).put("track_total_hits", true);
    body.set("query", query(tenant, null, null));
    ObjectNode terms = body.putObject("aggs").putObject(field).putObject("terms");
    terms.put("field", field).put("size", limit);
    ArrayNode order = terms.putArray("order");
    order.addObject().put("_count", "desc");
    order.addObject().put("_key", "asc");
    return ReadRequest.post(index + "/_search", body.toString());
  }
}

package io.backfillfleet.readcheck;

import io.backfillfleet.store.StoreConfig;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Generated questions as Solr {@code /select} requests; tenants matched with {@code {!term}} (any characters). */
final class SolrDialect implements QueryDialect {
  private final String select;
  private final StoreConfig c;

  SolrDialect(String prefix, StoreConfig config) {
    this.select = prefix + "/" + config.collection() + "/select";
    this.c = config;
  }

  private Map<String, Object> base(String tenant, Instant from, Instant to) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("q", "*:*");
    String tenantFilter = "{!term f=" + c.tenantField() + "}" + tenant;
    p.put("fq", from == null ? List.of(tenantFilter)
        : List.of(tenantFilter, c.timestampField() + ":[" + from + " TO " + to + "}"));
    p.put("wt", "json");
    return p;
  }

  @Override
  public ReadRequest count(String tenant, Instant from, Instant to) {
    Map<String, Object> p = base(tenant, from, to);
    p.put("rows", "0");
    return ReadRequest.get(select, p);
  }

  @Override
  public ReadRequest newest(String tenant, int n) {
    Map<String, Object> p = base(tenant, null, null);
    p.put("rows", Integer.toString(n));
    p.put("sort", c.timestampField() + " desc," + c.idField() + " desc");
    return ReadRequest.get(select, p);
  }

  @Override
  public ReadRequest facet(String tenant, String field, int limit) {
    Map<String, Object> p = base(tenant, null, null);
    p.put("rows", "0");
    p.put("facet", "true");
    p.put("facet.field", field);
    p.put("facet.limit", Integer.toString(limit));
    p.put("facet.mincount", "1");
    return ReadRequest.get(select, p);
  }
}

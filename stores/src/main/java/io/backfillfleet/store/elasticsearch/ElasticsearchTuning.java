package io.backfillfleet.store.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import io.backfillfleet.store.StoreException;
import io.backfillfleet.store.TargetTuning;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code refresh_interval: -1} and {@code number_of_replicas: 0} for a bulk load: no refresh every second (each makes
 * a new segment to merge later) and every document indexed once instead of once per copy. The worker refreshes
 * explicitly wherever it reads its own writes, so it does not depend on the interval.
 */
final class ElasticsearchTuning implements TargetTuning {
  static final String REFRESH = "index.refresh_interval";
  static final String REPLICAS = "index.number_of_replicas";
  private static final List<String> SETTINGS = List.of(REFRESH, REPLICAS);

  /** A request with the store's retries and error messages. */
  @FunctionalInterface
  interface Http {
    JsonNode call(String action, String method, String path, Object body);
  }

  private final String name;
  private final Http http;

  ElasticsearchTuning(String name, Http http) {
    this.name = name;
    this.http = http;
  }

  @Override
  public Map<String, Map<String, String>> current() {
    // without include_defaults, a setting not set on the index is absent (null here), and setting it back to null
    // restores the default rather than freezing today's default on the index
    JsonNode answer = http.call("reading the index settings", "GET", "/" + name + "/_settings", null);
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = answer.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> index = it.next();
      JsonNode settings = index.getValue().path("settings").path("index");
      Map<String, String> values = new LinkedHashMap<>();
      for (String s : SETTINGS) {
        JsonNode v = settings.get(s.substring("index.".length()));
        values.put(s, v == null || v.isNull() ? null : v.asText());
      }
      out.put(index.getKey(), Collections.unmodifiableMap(values));
    }
    if (out.isEmpty()) throw new StoreException(name + ": no index answered for its settings");
    return Collections.unmodifiableMap(out);
  }

  @Override
  public Map<String, String> bulkValues() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put(REFRESH, "-1");
    v.put(REPLICAS, "0");
    return Collections.unmodifiableMap(v);
  }

  @Override
  public void apply(Map<String, Map<String, String>> settingsByIndex) {
    // one request per index: an alias's indices may have had different values
    settingsByIndex.forEach((index, values) -> {
      Map<String, String> body = new LinkedHashMap<>(values); // nulls kept: they reset a setting to its default
      http.call("changing the settings of index " + index, "PUT", "/" + index + "/_settings", body);
    });
  }
}

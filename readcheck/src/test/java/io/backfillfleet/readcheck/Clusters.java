package io.backfillfleet.readcheck;

import com.codahale.metrics.MetricRegistry;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.Stores;
import io.backfillfleet.store.WriteResult;
import io.backfillfleet.testkit.ElasticsearchNode;
import io.backfillfleet.testkit.SolrTestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Real collections and indices for the read check's tests, seeded with one multi-tenant history. */
final class Clusters {
  private static final AtomicInteger SEQ = new AtomicInteger();
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  /** Tenants and their sizes: a big one, a middle one, small ones. */
  static final Map<String, Integer> TENANTS = Map.of("big", 2000, "mid", 400, "small", 60, "tiny", 5);
  static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  private Clusters() {}

  static List<Doc> history() {
    List<Doc> docs = new ArrayList<>();
    TENANTS.forEach((tenant, n) -> {
      long step = Duration.ofDays(180).toMillis() / n; // about six months each
      for (int i = 0; i < n; i++) {
        Map<String, Object> f = new LinkedHashMap<>();
        String id = tenant + "-" + i;
        f.put("id", id);
        f.put("tenant", tenant);
        f.put("ts", START.plusMillis(step * i).toString());
        f.put("title", "title of " + id);
        f.put("n", i % 97);
        f.put("tags", List.of("t" + (i % 3), "all"));
        f.put("origin", i % 2 == 0 ? "web" : "app");
        docs.add(new Doc(id, f));
      }
    });
    return docs;
  }

  static StoreConfig solr(boolean legacy) {
    SolrTestCluster c = legacy ? SolrTestCluster.legacy() : SolrTestCluster.target();
    String coll = "readcheck-" + (legacy ? "legacy" : "new") + "-" + SEQ.incrementAndGet();
    c.createCollection(coll, 2);
    return StoreConfig.solrCloud(c.zkHost() + "/solr", coll);
  }

  static StoreConfig es(String name) {
    return index(ElasticsearchNode.es8(), name);
  }

  /** An index on an Elasticsearch or OpenSearch node, with the history's mapping. */
  static StoreConfig index(ElasticsearchNode node, String name) {
    String index = "readcheck-" + name + "-" + SEQ.incrementAndGet();
    send("PUT", node.httpUrl() + "/" + index, """
        {"settings":{"number_of_shards":2,"number_of_replicas":0},
         "mappings":{"properties":{"id":{"type":"keyword"},"tenant":{"type":"keyword"},"ts":{"type":"date"},
           "title":{"type":"text"},"n":{"type":"integer"},"tags":{"type":"keyword"},"origin":{"type":"keyword"}}}}""");
    return StoreConfig.restApi(node.engine(), node.httpUrl(), index);
  }

  static void seed(StoreConfig config, List<Doc> docs) {
    try (SearchStore store = Stores.open("seed", config)) {
      for (int i = 0; i < docs.size(); i += 500) {
        WriteResult r = store.createIfAbsent(docs.subList(i, Math.min(docs.size(), i + 500)));
        if (!r.rejected().isEmpty()) throw new IllegalStateException("seed rejected: " + r.rejected());
      }
      store.makeVisible();
    }
  }

  static String send(String method, String url, String json) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
          .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
          .build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) throw new IllegalStateException(method + " " + url + " -> " + r.statusCode() + " " + r.body());
      return r.body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static ReadCheckSettings settings(double maxMismatch, double maxLatency, String newUrl) {
    return new ReadCheckSettings(List.of(), false, Duration.ofMillis(500), new ReadinessGate(maxMismatch, maxLatency),
        null, newUrl);
  }

  static ReadCheckSession open(StoreConfig legacy, StoreConfig fresh, ReadCheckSettings settings) {
    return open(legacy, fresh, settings, new MetricRegistry());
  }

  static ReadCheckSession open(StoreConfig legacy, StoreConfig fresh, ReadCheckSettings settings, MetricRegistry metrics) {
    return ReadCheckSession.open(legacy, fresh, settings, metrics, System.getenv());
  }

  static QueryGenerator.Settings generate(String facetField) {
    return new QueryGenerator.Settings(10, 6, 10, facetField, 10);
  }
}

package io.backfillfleet.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.ZkSettings;
import io.backfillfleet.planner.Plan;
import io.backfillfleet.planner.PlanPublisher;
import io.backfillfleet.planner.Planner;
import io.backfillfleet.planner.TenantSelection;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.FieldMapping;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.Stores;
import io.backfillfleet.store.WriteResult;
import io.backfillfleet.testkit.ElasticsearchNode;
import io.backfillfleet.testkit.SolrTestCluster;
import io.backfillfleet.testkit.ZooKeeperServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/** Real source and target stores, a fresh ZooKeeper root, a published job, and workers on their own sessions. */
final class FleetFixture {
  static final Instant T0 = Instant.parse("2021-01-01T00:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

  final String root = "/fleet-" + UUID.randomUUID();
  final StoreConfig source;
  final StoreConfig target;

  FleetFixture(StoreConfig source, StoreConfig target) {
    this.source = source;
    this.target = target;
  }

  /** "solr", "solr-export" (a source whose every field has docValues, read through /export) or "elasticsearch". */
  static FleetFixture of(String engine) {
    return switch (engine) {
      case "solr" -> solr();
      case "solr-export" -> solrExport();
      default -> elasticsearch();
    };
  }

  /** A Solr source read through /export (every field single-valued with docValues), into a Solr target. */
  static FleetFixture solrExport() {
    return solr(SolrTestCluster.DOCVALUES_CONFIGSET);
  }

  /** A Solr source with text fields (read with cursorMark), into a Solr target. */
  static FleetFixture solr() {
    return solr(SolrTestCluster.CONFIGSET);
  }

  private static FleetFixture solr(String sourceConfigSet) {
    String name = "w" + UUID.randomUUID().toString().substring(0, 8);
    SolrTestCluster.legacy().createCollection(name, 2, sourceConfigSet);
    SolrTestCluster.target().createCollection(name, 2);
    return new FleetFixture(StoreConfig.solrCloud(SolrTestCluster.legacy().zkHost() + "/solr", name),
        StoreConfig.solrCloud(SolrTestCluster.target().zkHost() + "/solr", name));
  }

  static FleetFixture elasticsearch() {
    String name = "w" + UUID.randomUUID().toString().substring(0, 8);
    return new FleetFixture(esIndex(name + "-src"), esIndex(name + "-dst"));
  }

  static StoreConfig esIndex(String index) {
    return esIndex(index, """
        {"settings":{"number_of_shards":2,"number_of_replicas":0},"mappings":{"properties":{
        "id":{"type":"keyword"},"tenant":{"type":"keyword"},"ts":{"type":"date"},"n":{"type":"integer"},
        "origin":{"type":"keyword"},"title":{"type":"text"}}}}""");
  }

  /** An index of 3 shards whose documents must each be written with a routing ({@code _routing.required}). */
  static StoreConfig esRoutedIndex(String index) {
    return esIndex(index, """
        {"settings":{"number_of_shards":3,"number_of_replicas":0},"mappings":{"_routing":{"required":true},
        "properties":{"id":{"type":"keyword"},"tenant":{"type":"keyword"},"ts":{"type":"date"},
        "n":{"type":"integer"},"origin":{"type":"keyword"},"title":{"type":"text"}}}}""");
  }

  private static StoreConfig esIndex(String index, String mapping) {
    ElasticsearchNode es = ElasticsearchNode.es8();
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(es.httpUrl() + "/" + index))
          .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(mapping)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) throw new IllegalStateException(r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return StoreConfig.elasticsearch(es.httpUrl(), index);
  }

  ZkSettings zk() {
    return ZkSettings.of(ZooKeeperServers.sharedConnectString(), root).withSessionTimeout(Duration.ofSeconds(8));
  }

  CoordinatorConnection connect() {
    return new CoordinatorConnection(zk()).start();
  }

  static Doc doc(String tenant, String id, Instant ts, String origin) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("id", id);
    f.put("tenant", tenant);
    if (ts != null) f.put("ts", ts.toString());
    f.put("n", Math.abs(id.hashCode() % 100));
    f.put("origin", origin);
    f.put("title", "doc " + id);
    return new Doc(id, f);
  }

  /** Skewed tenants: sizes[i] documents spread over spans[i] days; every 50th of the last tenant has no timestamp. */
  static List<Doc> skewed(int[] sizes, int[] spanDays) {
    Random r = new Random(17);
    List<Doc> out = new ArrayList<>();
    for (int t = 0; t < sizes.length; t++) {
      for (int i = 0; i < sizes[t]; i++) {
        boolean noTs = t == sizes.length - 1 && i % 50 == 0;
        out.add(doc("tenant-" + t, "t" + t + "-" + i,
            noTs ? null : T0.plusMillis((long) (r.nextDouble() * spanDays[t] * 86_400_000L)), "backfill"));
      }
    }
    return out;
  }

  /** One tenant, every document with a timestamp: a job of exactly one slice when the target size is large. */
  static List<Doc> timed(int size, int spanDays) {
    Random r = new Random(23);
    List<Doc> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      out.add(doc("tenant-0", "t0-" + i, T0.plusMillis((long) (r.nextDouble() * spanDays * 86_400_000L)), "backfill"));
    }
    return out;
  }

  static void write(StoreConfig cfg, List<Doc> docs) {
    try (SearchStore s = Stores.open("target", cfg)) {
      for (int i = 0; i < docs.size(); i += 1000) {
        WriteResult w = s.createIfAbsent(docs.subList(i, Math.min(docs.size(), i + 1000)));
        if (!w.rejected().isEmpty()) throw new IllegalStateException("seed rejected: " + w.rejected());
      }
      s.makeVisible();
    }
  }

  /** Plans the source and publishes the job; returns the plan. */
  Plan publish(String job, long docsPerSlice, FieldMapping mapping) {
    return publish(job, docsPerSlice, mapping, Map.of());
  }

  /** ... with more job settings, as a job file's top level has them (e.g. "errors", "rejected"). */
  Plan publish(String job, long docsPerSlice, FieldMapping mapping, Map<String, Object> settings) {
    try (SearchStore s = Stores.open("source", source); CoordinatorConnection c = connect()) {
      Plan plan = new Planner(s, docsPerSlice).plan(TenantSelection.ALL, (a, b) -> { });
      ObjectNode params = JSON.createObjectNode();
      if (mapping != null) params.set("fieldMapping", JSON.valueToTree(mapping));
      settings.forEach((k, v) -> params.set(k, JSON.valueToTree(v)));
      new PlanPublisher(c, Clock.systemUTC()).publish(job, plan, JSON.valueToTree(source), JSON.valueToTree(target),
          params, 3);
      return plan;
    }
  }

  /** Runs {@code w} on another thread; the future holds how it ended, or its error wrapped. */
  static java.util.concurrent.CompletableFuture<FleetWorker.Result> runAsync(FleetWorker w) {
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return w.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  long count(StoreConfig cfg, String tenant, io.backfillfleet.store.TimeWindow w) {
    try (SearchStore s = Stores.open("source", cfg)) {
      s.makeVisible();
      return s.count(tenant, w);
    }
  }
}

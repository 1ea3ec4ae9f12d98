package io.backfillfleet.planner.bench;

import io.backfillfleet.planner.Plan;
import io.backfillfleet.planner.Planner;
import io.backfillfleet.planner.TenantSelection;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.SourceStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.Stores;
import io.backfillfleet.testkit.ElasticsearchNode;
import io.backfillfleet.testkit.SolrTestCluster;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Not a test: plans N tenants (default 10,000, skewed: a few big ones with hot days, many small) against real Solr and
 * real Elasticsearch, and prints the number of queries, the wall time and whether the goal of issue 16 (100,000
 * tenants planned in under 60 s) is met. Queries grow with the tenants that need measuring (more than a slice of
 * documents) and their refinements, never with the small tenants or the documents. Run with
 * scripts/bench-plan.sh [tenants]; the goal is judged at 100,000 tenants.
 */
public final class PlannerBenchmark {
  static final long DOCS_PER_SLICE = 2000;

  public static void main(String[] args) throws Exception {
    int tenants = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    List<Doc> docs = generate(tenants);
    System.out.printf("%-14s %8s %10s %8s %9s %9s %10s %9s  %s%n", "engine", "tenants", "docs", "slices", "measured",
        "queries", "listing ms", "wall ms", "goal < 60 s");
    SolrTestCluster.legacy().createCollection("plan-bench", 2);
    run("solr", StoreConfig.solrCloud(SolrTestCluster.legacy().zkHost() + "/solr", "plan-bench"), docs, tenants);
    ElasticsearchNode es = ElasticsearchNode.es8();
    HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(es.httpUrl() + "/plan-bench"))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
            "{\"mappings\":{\"properties\":{\"id\":{\"type\":\"keyword\"},\"tenant\":{\"type\":\"keyword\"},"
                + "\"ts\":{\"type\":\"date\"}}}}")).build(), HttpResponse.BodyHandlers.ofString());
    run("elasticsearch", StoreConfig.elasticsearch(es.httpUrl(), "plan-bench"), docs, tenants);
    System.exit(0);
  }

  static void run(String name, StoreConfig cfg, List<Doc> docs, int tenants) {
    try (SearchStore s = Stores.open("source", cfg)) {
      for (int i = 0; i < docs.size(); i += 5000) s.createIfAbsent(docs.subList(i, Math.min(docs.size(), i + 5000)));
      s.makeVisible();
      Map<String, long[]> perMethod = new java.util.TreeMap<>();
      long t = System.nanoTime();
      long[] listed = {0};
      // the first tenant is done right after the field check, the listing, the total and the first batch
      Plan plan = new Planner(timed(s, perMethod), DOCS_PER_SLICE).plan(TenantSelection.ALL, (a, b) -> {
        if (a == 1) listed[0] = (System.nanoTime() - t) / 1_000_000;
      });
      long ms = (System.nanoTime() - t) / 1_000_000;
      // "measured": tenants with more than a slice of documents, the only ones that cost histogram queries
      long measured = plan.tenants().stream().filter(p -> p.span().docs() - p.span().docsWithoutTimestamp()
          > DOCS_PER_SLICE).count();
      String goal = (ms < 60_000 ? "met" : "not met") + (tenants < 100_000 ? " (judged at 100,000 tenants)" : "");
      System.out.printf("%-14s %8d %10d %8d %9d %9d %10d %9d  %s%n", name, plan.tenants().size(), plan.totalDocs(),
          plan.slices().size(), measured, plan.queries(), listed[0], ms, goal);
      StringBuilder where = new StringBuilder("  where the time went:");
      perMethod.forEach((m, v) -> where.append(String.format(" %s %d call(s) %d ms;", m, v[0], v[1] / 1_000_000)));
      System.out.println(where);
    }
  }

  /** The store, timing each method the planner calls (calls and nanoseconds by method name). */
  static SourceStore timed(SourceStore store, Map<String, long[]> perMethod) {
    return (SourceStore) Proxy.newProxyInstance(SourceStore.class.getClassLoader(), new Class<?>[] {SourceStore.class},
        (proxy, method, args) -> {
          long t = System.nanoTime();
          try {
            return method.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          } finally {
            long[] v = perMethod.computeIfAbsent(method.getName(), k -> new long[2]);
            v[0]++;
            v[1] += System.nanoTime() - t;
          }
        });
  }

  static List<Doc> generate(int tenants) {
    Random r = new Random(5);
    Instant t0 = Instant.parse("2022-01-01T00:00:00Z");
    List<Doc> out = new ArrayList<>();
    for (int t = 0; t < tenants; t++) {
      int n = 2 + (int) (20_000 / Math.pow(t + 1, 0.9));
      for (int i = 0; i < n; i++) {
        // big tenants have a hot day holding a third of their history
        long sec = t < 20 && i % 3 == 0 ? 400L * 86_400 + r.nextInt(86_400) : r.nextInt(3 * 365 * 86_400);
        String id = "t" + t + "-" + i;
        out.add(new Doc(id, Map.of("id", id, "tenant", "tenant-" + t, "ts", t0.plusSeconds(sec).toString())));
      }
    }
    return out;
  }
}

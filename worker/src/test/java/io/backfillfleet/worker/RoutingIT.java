package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobStatus;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.SliceState;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.Stores;
import io.backfillfleet.testkit.ElasticsearchNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Elasticsearch indices routed by tenant (or by anything else), with {@code _routing} required, 3 shards: two
 * workers copy while a live dual-writer creates, updates, deletes and re-creates documents in both clusters with
 * their routing. Afterwards the target equals the source document for document: nothing lost, nothing
 * resurrected, no id twice (an unrouted write or lookup would put a second copy on another shard, or answer "not
 * found" from the wrong one and let the guard delete a live document).
 */
class RoutingIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /**
   * {@code keep}: the target routes as the source did (by tenant). {@code field}: the source routes each document by
   * a value of its own (a user), the target by the tenant field ({@code routingField: tenant}).
   */
  @ParameterizedTest(name = "target routing: {0}")
  @ValueSource(strings = {"keep", "field"})
  void aRoutedSourceIntoARoutedTargetUnderLiveTrafficLosesAndResurrectsNothing(String policy) throws Exception {
    String name = "r" + UUID.randomUUID().toString().substring(0, 8);
    StoreConfig src = FleetFixture.esRoutedIndex(name + "-src");
    StoreConfig dst = FleetFixture.esRoutedIndex(name + "-dst");
    if (policy.equals("field")) dst = dst.withRoutingField("tenant");
    FleetFixture fx = new FleetFixture(src, dst);
    boolean byTenant = policy.equals("keep");
    List<Doc> history = new ArrayList<>();
    for (Doc d : FleetFixture.skewed(new int[] {500, 300, 200}, new int[] {20, 10, 5})) {
      history.add(routed(d, byTenant));
    }
    FleetFixture.write(src, history);
    fx.publish("routed", 120, null);

    AtomicBoolean copying = new AtomicBoolean(true);
    LiveWriter live = new LiveWriter(src.collection(), dst.collection(), history, byTenant);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (CoordinatorConnection c1 = fx.connect(); CoordinatorConnection c2 = fx.connect()) {
      Future<?> writer = pool.submit(() -> {
        while (copying.get()) live.step();
        return null;
      });
      Future<FleetWorker.Result> w1 = pool.submit(() -> new FleetWorker(c1, "routed", settings("w1")).run());
      Future<FleetWorker.Result> w2 = pool.submit(() -> new FleetWorker(c2, "routed", settings("w2")).run());
      assertThat(w1.get(180, TimeUnit.SECONDS)).isEqualTo(FleetWorker.Result.NO_WORK_LEFT);
      assertThat(w2.get(180, TimeUnit.SECONDS)).isEqualTo(FleetWorker.Result.NO_WORK_LEFT);
      copying.set(false);
      writer.get(30, TimeUnit.SECONDS);
      JobStatus status = new JobStatusReader(c1).read("routed");
      assertThat(status.slices().values()).allMatch(w -> w.state() == SliceState.DONE);
      assertThat(status.slices().values().stream().mapToLong(WorkNode::docsRejected).sum()).isZero();
      try (SearchStore source = Stores.open("source", src); SearchStore target = Stores.open("target", dst)) {
        Verifier.Report verified = new Verifier(c1, source, target, Duration.ofSeconds(1), java.time.Clock.systemUTC())
            .verify("routed", true, true);
        assertThat(verified.clean()).as("verify --ids: %s", verified.results()).isTrue();
      }
    } finally {
      copying.set(false);
      pool.shutdownNow();
    }
    assertThat(live.ops()).as("the live writer did all four kinds of write").allSatisfy((op, n) -> assertThat(n).isPositive());

    Map<String, Hit> inSource = all(src.collection());
    List<Hit> targetHits = hits(dst.collection());
    Map<String, Hit> inTarget = new HashMap<>();
    for (Hit h : targetHits) inTarget.put(h.id(), h);
    assertThat(targetHits).as("no id twice in the target").hasSize(inTarget.size());
    assertThat(inTarget.keySet()).as("same ids: nothing lost, nothing resurrected").isEqualTo(inSource.keySet());
    for (Hit s : inSource.values()) {
      Hit t = inTarget.get(s.id());
      assertThat(t.source()).as("document %s", s.id()).isEqualTo(s.source());
      String expected = byTenant ? s.routing() : String.valueOf(s.source().get("tenant"));
      assertThat(t.routing()).as("routing of %s", s.id()).isEqualTo(expected);
    }
  }

  private static WorkerSettings settings(String id) {
    return WorkerSettings.defaults(id).withPageSize(50).withSettleDelay(Duration.ofSeconds(1));
  }

  /** {@code d} routed by its tenant, or by a "user" value of its own. */
  private static Doc routed(Doc d, boolean byTenant) {
    String routing = byTenant ? String.valueOf(d.fields().get("tenant")) : "user-" + Math.floorMod(d.id().hashCode(), 7);
    return new Doc(d.id(), routing, d.fields());
  }

  private record Hit(String id, String routing, Map<String, Object> source) {}

  private static Map<String, Hit> all(String index) throws Exception {
    Map<String, Hit> out = new LinkedHashMap<>();
    for (Hit h : hits(index)) out.put(h.id(), h);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<Hit> hits(String index) throws Exception {
    String es = ElasticsearchNode.es8().httpUrl();
    send("POST", es + "/" + index + "/_refresh", null);
    JsonNode r = JSON.readTree(send("POST", es + "/" + index + "/_search", "{\"size\":10000,\"query\":{\"match_all\":{}}}"));
    List<Hit> out = new ArrayList<>();
    for (JsonNode h : r.path("hits").path("hits")) {
      out.add(new Hit(h.path("_id").asText(), h.path("_routing").isMissingNode() ? null : h.path("_routing").asText(),
          JSON.convertValue(h.path("_source"), Map.class)));
    }
    return out;
  }

  private static String send(String method, String url, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300 && r.statusCode() != 404) throw new IllegalStateException(method + " " + url + ": " + r.body());
    return r.body();
  }

  /**
   * The dual-writer: each step writes one document in legacy, then in the new cluster (with its routing in each),
   * creating a new one, updating (overwriting), deleting or re-creating a deleted one. The target's routing of a
   * document is its source routing ({@code keep}) or its tenant.
   */
  private static final class LiveWriter {
    private final String src;
    private final String dst;
    private final boolean byTenant;
    private final List<Doc> alive;
    private final List<Doc> deleted = new ArrayList<>();
    private final Random random = new Random(5);
    private final Map<String, AtomicInteger> ops = new java.util.concurrent.ConcurrentHashMap<>();
    private int seq;

    LiveWriter(String src, String dst, List<Doc> history, boolean byTenant) {
      this.src = src;
      this.dst = dst;
      this.byTenant = byTenant;
      this.alive = new ArrayList<>(history);
    }

    Map<String, Integer> ops() {
      Map<String, Integer> out = new HashMap<>();
      for (String op : List.of("create", "update", "delete", "recreate")) {
        out.put(op, ops.getOrDefault(op, new AtomicInteger()).get());
      }
      return out;
    }

    void step() throws Exception {
      int dice = random.nextInt(10);
      if (dice < 2) {
        Doc base = alive.get(random.nextInt(alive.size()));
        Doc fresh = routed(FleetFixture.doc(String.valueOf(base.fields().get("tenant")), "live-" + seq++,
            java.time.Instant.parse(String.valueOf(base.fields().getOrDefault("ts", FleetFixture.T0.toString()))),
            "live"), byTenant);
        put(fresh, "create");
        alive.add(fresh);
      } else if (dice < 5) {
        Doc d = alive.get(random.nextInt(alive.size()));
        Map<String, Object> f = new LinkedHashMap<>(d.fields());
        f.put("origin", "updated");
        f.put("n", random.nextInt(100));
        Doc updated = new Doc(d.id(), d.routing(), f);
        put(updated, "update");
        alive.set(alive.indexOf(d), updated);
      } else if (dice < 8 && alive.size() > 100) {
        Doc d = alive.remove(random.nextInt(alive.size()));
        for (String[] at : List.of(new String[] {src, d.routing()}, new String[] {dst, targetRouting(d)})) {
          send("DELETE", ElasticsearchNode.es8().httpUrl() + "/" + at[0] + "/_doc/" + d.id() + "?routing=" + at[1], null);
        }
        deleted.add(d);
        ops.computeIfAbsent("delete", k -> new AtomicInteger()).incrementAndGet();
      } else if (!deleted.isEmpty()) {
        Doc d = deleted.remove(random.nextInt(deleted.size()));
        Map<String, Object> f = new LinkedHashMap<>(d.fields());
        f.put("origin", "recreated");
        Doc again = new Doc(d.id(), d.routing(), f);
        put(again, "recreate");
        alive.add(again);
      }
      Thread.sleep(2); // a steady trickle of live traffic, not a load test
    }

    private void put(Doc d, String op) throws Exception {
      String body = JSON.writeValueAsString(d.fields());
      String es = ElasticsearchNode.es8().httpUrl();
      send("PUT", es + "/" + src + "/_doc/" + d.id() + "?routing=" + d.routing(), body);
      send("PUT", es + "/" + dst + "/_doc/" + d.id() + "?routing=" + targetRouting(d), body);
      ops.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
    }

    private String targetRouting(Doc d) {
      return byTenant ? d.routing() : String.valueOf(d.fields().get("tenant"));
    }
  }
}

package io.backfillfleet.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobExistsException;
import io.backfillfleet.coordinator.JobStatus;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.coordinator.ZkSettings;
import io.backfillfleet.store.Doc;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Planning against real Solr and Elasticsearch: the slices' true counts add up, and --apply writes exactly them. */
class PlannerIT {
  static final Instant T0 = Instant.parse("2022-01-01T00:00:00Z");

  static Stream<String> engines() {
    return Stream.of("solr", "elasticsearch");
  }

  static StoreConfig collection(String engine, String name) throws Exception {
    if (engine.equals("solr")) {
      SolrTestCluster.legacy().createCollection(name, 2);
      return StoreConfig.solrCloud(SolrTestCluster.legacy().zkHost() + "/solr", name);
    }
    ElasticsearchNode es = ElasticsearchNode.es8();
    String mapping = "{\"mappings\":{\"properties\":{\"id\":{\"type\":\"keyword\"},\"tenant\":{\"type\":\"keyword\"},"
        + "\"ts\":{\"type\":\"date\"}}}}";
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(es.httpUrl() + "/" + name))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(mapping)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return StoreConfig.elasticsearch(es.httpUrl(), name);
  }

  /** A skewed history: a busy tenant over a month, a quiet one over three years, one with untimed documents. */
  static List<Doc> skewed() {
    Random rnd = new Random(11);
    List<Doc> docs = new ArrayList<>();
    int[] sizes = {6000, 700, 300};
    long[] spans = {30L * 86_400_000, 3 * 365L * 86_400_000, 10L * 86_400_000};
    String[] names = {"busy", "quiet", "odd tenant/ü"};
    for (int t = 0; t < 3; t++) {
      for (int i = 0; i < sizes[t]; i++) {
        Map<String, Object> f = new LinkedHashMap<>();
        String id = t + "-" + i;
        f.put("id", id);
        f.put("tenant", names[t]);
        if (!(t == 2 && i % 10 == 0)) f.put("ts", T0.plusMillis((long) (rnd.nextDouble() * spans[t])).toString());
        docs.add(new Doc(id, f));
      }
    }
    return docs;
  }

  @ParameterizedTest
  @MethodSource("engines")
  void slicesCountedOnTheSourceAddUpAndApplyWritesExactlyThePlan(String engine) throws Exception {
    StoreConfig cfg = collection(engine, "plan-" + engine + "-" + UUID.randomUUID().toString().substring(0, 8));
    List<Doc> docs = skewed();
    try (SearchStore source = Stores.open("source", cfg)) {
      for (int i = 0; i < docs.size(); i += 1000) {
        WriteResult w = source.createIfAbsent(docs.subList(i, Math.min(docs.size(), i + 1000)));
        assertThat(w.rejected()).isEmpty();
      }
      source.makeVisible();
      List<Integer> progress = new ArrayList<>();
      Plan plan = new Planner(source, 500).plan(TenantSelection.ALL, (done, all) -> progress.add(done));
      assertThat(progress).containsExactly(1, 2, 3);
      assertThat(plan.totalDocs()).isEqualTo(7000);
      for (TenantPlan t : plan.tenants()) {
        long counted = t.slices().stream().mapToLong(s -> source.count(t.span().tenant(), s.window())).sum();
        assertThat(counted).as(t.span().tenant()).isEqualTo(t.span().docs());
        for (SliceSpec s : t.slices()) {
          assertThat(source.count(t.span().tenant(), s.window())).isEqualTo(s.estimatedDocs());
        }
      }
      assertThat(plan.tenants().get(0).slices().size()).isGreaterThan(plan.tenants().get(1).slices().size());
      assertThat(plan.slices()).anySatisfy(s -> assertThat(s.window().missingTimestamp()).isTrue());

      assertThatThrownBy(() -> new Planner(source, 500).plan(new TenantSelection(Set.of("bussy"), Set.of()), (a, b) -> { }))
          .hasMessageContaining("unknown tenant").hasMessageContaining("busy");

      ZkSettings zk = ZkSettings.of(ZooKeeperServers.shared().getConnectString(), "/plan-" + UUID.randomUUID());
      try (CoordinatorConnection conn = new CoordinatorConnection(zk).start()) {
        PlanPublisher publisher = new PlanPublisher(conn, Clock.systemUTC());
        publisher.publish("job-" + engine, plan, null, null, null, 3);
        JobStatus status = new JobStatusReader(conn).read("job-" + engine);
        assertThat(status.slices()).hasSize(plan.slices().size());
        for (SliceSpec s : plan.slices()) {
          WorkNode w = status.slices().get(s.id());
          assertThat(w.tenant()).isEqualTo(s.tenant());
          assertThat(w.estimatedDocs()).isEqualTo(s.estimatedDocs());
          assertThat(w.missingTimestamp()).isEqualTo(s.window().missingTimestamp());
          if (!w.missingTimestamp()) assertThat(w.from()).isEqualTo(s.window().from());
        }
        assertThat(status.spec().planId()).isEqualTo(plan.planId());
        assertThatThrownBy(() -> publisher.publish("job-" + engine, plan, null, null, null, 3))
            .isInstanceOf(JobExistsException.class);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void documentsWithoutATenantAndTheEmptyTenantArePlannedAndThePlanProvesCoverage(String engine) throws Exception {
    StoreConfig cfg = collection(engine, "notenant-" + engine + "-" + UUID.randomUUID().toString().substring(0, 8));
    List<Doc> docs = new ArrayList<>();
    for (int i = 0; i < 900; i++) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("id", "d" + i);
      if (i % 3 == 1) f.put("tenant", "acme");
      if (i % 3 == 2) f.put("tenant", ""); // the empty tenant; i % 3 == 0: no tenant at all
      if (i % 100 != 0) f.put("ts", T0.plusSeconds(3600L * i).toString());
      docs.add(new Doc("d" + i, f));
    }
    try (SearchStore source = Stores.open("source", cfg)) {
      assertThat(source.createIfAbsent(docs).rejected()).isEmpty();
      source.makeVisible();
      Plan plan = new Planner(source, 100).plan(TenantSelection.ALL, (done, all) -> { });
      assertThat(plan.tenants()).extracting(t -> t.span().tenant()).containsExactlyInAnyOrder(null, "", "acme");
      assertThat(plan.coverage()).isEqualTo(new Coverage(900, 900, 300, 0, 0));
      assertThat(plan.coverage().describe()).contains("the source has 900 documents, the slices' estimates add up to 900")
          .contains("every document is in a slice");
      List<String> ids = plan.slices().stream().map(SliceSpec::id).toList();
      assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,199}"));
      assertThat(ids).contains("no.tenant-nots");
      for (SliceSpec s : plan.slices()) {
        assertThat(source.count(s.tenant(), s.window())).as(s.id()).isEqualTo(s.estimatedDocs());
      }
      Plan some = new Planner(source, 100).plan(new TenantSelection(Set.of("acme"), Set.of()), (a, b) -> { });
      assertThat(some.coverage().describe()).contains("not covered: 600 documents of 2 tenants not selected");

      ZkSettings zk = ZkSettings.of(ZooKeeperServers.shared().getConnectString(), "/notenant-" + UUID.randomUUID());
      try (CoordinatorConnection conn = new CoordinatorConnection(zk).start()) {
        new PlanPublisher(conn, Clock.systemUTC()).publish("j", plan, null, null, null, 3);
        JobStatus status = new JobStatusReader(conn).read("j");
        assertThat(status.corruptSlices()).isEmpty();
        assertThat(status.slices()).hasSize(plan.slices().size());
        for (SliceSpec s : plan.slices()) {
          WorkNode w = status.slices().get(s.id());
          assertThat(w.tenant()).as(s.id()).isEqualTo(s.tenant());
          assertThat(w.missingTenant()).isEqualTo(s.tenant() == null);
        }
      }
    }
  }
}

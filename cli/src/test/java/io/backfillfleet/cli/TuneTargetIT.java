package io.backfillfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobRepository;
import io.backfillfleet.coordinator.TargetTuningNode;
import io.backfillfleet.coordinator.TargetTuningStore;
import io.backfillfleet.coordinator.Versioned;
import io.backfillfleet.coordinator.ZkSettings;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.Stores;
import io.backfillfleet.testkit.ElasticsearchNode;
import io.backfillfleet.testkit.SolrTestCluster;
import io.backfillfleet.testkit.ZooKeeperServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --tune-target against a real Elasticsearch target: tuned by plan --apply, restored to exactly what it was (a setting
 * that was not set is not set again) by the worker that finds no work left, by 'tune-target --restore' and by
 * delete-job; never tuned again once restored. Solr targets are refused before anything is published.
 */
class TuneTargetIT {
  static final Instant T0 = Instant.parse("2024-03-01T00:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PROPERTIES = "{\"id\":{\"type\":\"keyword\"},\"tenant\":{\"type\":\"keyword\"},"
      + "\"ts\":{\"type\":\"date\"},\"n\":{\"type\":\"integer\"}}";
  @TempDir Path dir;
  final String es = ElasticsearchNode.es8().httpUrl();
  final String zk = ZooKeeperServers.shared().getConnectString();
  final String root = "/tune-" + UUID.randomUUID();

  @Test
  void planTunesTheTargetAndTheLastWorkerPutsBackExactlyWhatWasThere() throws Exception {
    String source = sourceIndex(300);
    // refresh_interval not set on the index (the default applies); replicas set, as every index has them
    String target = targetIndex("{\"number_of_replicas\":1}");
    assertThat(settings(target)).isEqualTo(new Settings(null, "1"));
    Path job = esJob("tuned", source, target);

    PlanCommandIT.Result plan = PlanCommandIT.run("plan", "--job-file", job.toString(), "--apply", "--quiet",
        "--tune-target");
    assertThat(plan.code()).as(plan.err()).isZero();
    assertThat(plan.err()).contains("target tuned for the backfill (refresh_interval -1, number_of_replicas 0)")
        .contains(target + ": refresh_interval (not set), number_of_replicas 1");
    assertThat(settings(target)).isEqualTo(new Settings("-1", "0"));
    PlanCommandIT.Result status = PlanCommandIT.run("status", "--job-file", job.toString());
    assertThat(status.out()).contains("target tuned for the backfill: refresh_interval -1, number_of_replicas 0;"
        + " restored when the job finishes or by 'backfill tune-target --restore'");
    JsonNode json = JSON.readTree(PlanCommandIT.run("status", "--job-file", job.toString(), "--format", "json").out());
    assertThat(json.path("targetTuning").path("state").asText()).isEqualTo("APPLIED");
    assertThat(json.path("targetTuning").path("tuned").toString()).contains("refresh_interval\":\"-1\"");

    PlanCommandIT.Result work = PlanCommandIT.run("work", "--job-file", job.toString(), "--worker-id", "w1",
        "--settle-seconds", "0");
    assertThat(work.code()).as(work.err()).isZero();
    assertThat(count(target)).as("copied").isEqualTo(300);
    assertThat(settings(target)).as("restored: refresh_interval unset again, not frozen at a value")
        .isEqualTo(new Settings(null, "1"));
    TargetTuningNode node = node("tuned");
    assertThat(node.state()).isEqualTo(TargetTuningNode.State.RESTORED);
    assertThat(node.restoredBy()).isEqualTo("w1");
    assertThat(PlanCommandIT.run("status", "--job-file", job.toString()).out()).doesNotContain("target tuned");

    // a late apply (or a second worker) never tunes a target that reads may be served from by now
    PlanCommandIT.Result again = PlanCommandIT.run("tune-target", "--job-file", job.toString(), "--apply");
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains("restored").contains("not tuned again").doesNotContain("\tat ");
    assertThat(settings(target)).isEqualTo(new Settings(null, "1"));
    PlanCommandIT.Result second = PlanCommandIT.run("work", "--job-file", job.toString(), "--worker-id", "w2",
        "--settle-seconds", "0");
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(settings(target)).isEqualTo(new Settings(null, "1"));
    assertThat(node("tuned").restoredBy()).isEqualTo("w1");
  }

  @Test
  void onCallRestoresAnAbandonedJobsTargetAndDeleteJobRestoresToo() throws Exception {
    String source = sourceIndex(20);
    String target = targetIndex("{\"number_of_replicas\":2,\"refresh_interval\":\"7s\"}");
    Path job = esJob("abandoned", source, target);
    assertThat(PlanCommandIT.run("plan", "--job-file", job.toString(), "--apply", "--quiet", "--tune-target").code())
        .isZero();
    assertThat(settings(target)).isEqualTo(new Settings("-1", "0"));

    PlanCommandIT.Result restore = PlanCommandIT.run("tune-target", "--job-file", job.toString(), "--restore");
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(restore.out()).contains("restored").contains("refresh_interval 7s, number_of_replicas 2");
    assertThat(settings(target)).isEqualTo(new Settings("7s", "2"));
    assertThat(node("abandoned").state()).isEqualTo(TargetTuningNode.State.RESTORED);
    PlanCommandIT.Result twice = PlanCommandIT.run("tune-target", "--job-file", job.toString(), "--restore");
    assertThat(twice.code()).isZero();
    assertThat(twice.out()).contains("were restored at").contains("by ");
    assertThat(settings(target)).isEqualTo(new Settings("7s", "2"));

    // a job planned without it: tuned on demand, and delete-job puts the originals back before they are lost
    Path other = esJob("ondemand", source, target);
    assertThat(PlanCommandIT.run("plan", "--job-file", other.toString(), "--apply", "--quiet").code()).isZero();
    assertThat(settings(target)).as("not tuned without the option").isEqualTo(new Settings("7s", "2"));
    assertThat(PlanCommandIT.run("tune-target", "--job-file", other.toString(), "--restore").out())
        .contains("never tuned");
    PlanCommandIT.Result apply = PlanCommandIT.run("tune-target", "--job-file", other.toString(), "--apply");
    assertThat(apply.code()).as(apply.err()).isZero();
    assertThat(settings(target)).isEqualTo(new Settings("-1", "0"));
    PlanCommandIT.Result delete = PlanCommandIT.run("delete-job", "--job-file", other.toString());
    assertThat(delete.code()).as(delete.err()).isZero();
    assertThat(delete.out()).contains("restored").contains("deleted job ondemand");
    assertThat(settings(target)).isEqualTo(new Settings("7s", "2"));
    try (CoordinatorConnection c = new CoordinatorConnection(ZkSettings.of(zk, root)).start()) {
      assertThat(new JobRepository(c).exists("ondemand")).isFalse();
    }
  }

  @Test
  void aTuningLeftHalfwayByACrashedPlanIsStillRestoredByTheLastWorker() throws Exception {
    String source = sourceIndex(50);
    String target = targetIndex("{\"number_of_replicas\":1,\"refresh_interval\":\"3s\"}");
    Path job = esJob("crashed", source, target);
    assertThat(PlanCommandIT.run("plan", "--job-file", job.toString(), "--apply", "--quiet").code()).isZero();
    // what plan --tune-target leaves when it dies between tuning the target and marking the node APPLIED
    Map<String, Map<String, String>> original = Map.of(target,
        Map.of("index.refresh_interval", "3s", "index.number_of_replicas", "1"));
    try (CoordinatorConnection c = new CoordinatorConnection(ZkSettings.of(zk, root)).start()) {
      assertThat(new TargetTuningStore(c).record("crashed", TargetTuningNode.applying(original,
          Map.of("index.refresh_interval", "-1", "index.number_of_replicas", "0"), "plan", Instant.now())))
          .isInstanceOf(TargetTuningStore.RecordOutcome.Recorded.class);
    }
    http("PUT", target + "/_settings", "{\"index\":{\"refresh_interval\":\"-1\",\"number_of_replicas\":0}}");
    assertThat(PlanCommandIT.run("status", "--job-file", job.toString()).out()).contains("target tuned for the backfill");
    PlanCommandIT.Result apply = PlanCommandIT.run("tune-target", "--job-file", job.toString(), "--apply");
    assertThat(apply.code()).as(apply.err()).isZero();
    assertThat(apply.out()).as("the originals are recorded once, not replaced by the tuned values")
        .contains("tuned before").contains("nothing changed");

    PlanCommandIT.Result work = PlanCommandIT.run("work", "--job-file", job.toString(), "--worker-id", "w1",
        "--settle-seconds", "0");
    assertThat(work.code()).as(work.err()).isZero();
    assertThat(settings(target)).isEqualTo(new Settings("3s", "1"));
    assertThat(node("crashed").state()).isEqualTo(TargetTuningNode.State.RESTORED);
  }

  @Test
  void aSolrTargetIsRefusedBeforeAnythingIsPublished() throws Exception {
    String coll = "tune-" + UUID.randomUUID().toString().substring(0, 8);
    SolrTestCluster.legacy().createCollection(coll, 1);
    SolrTestCluster.target().createCollection(coll, 1);
    Path job = PlanCommandIT.solrToSolrJob(dir, "solr-tuned", root, coll, 1000);
    PlanCommandIT.Result r = PlanCommandIT.run("plan", "--job-file", job.toString(), "--apply", "--quiet",
        "--tune-target");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--tune-target is for Elasticsearch and OpenSearch targets").doesNotContain("\tat ");
    assertThat(r.err().strip().lines()).hasSize(1);
    try (CoordinatorConnection c = new CoordinatorConnection(ZkSettings.of(zk, root)).start()) {
      assertThat(new JobRepository(c).exists("solr-tuned")).as("nothing published").isFalse();
    }
  }

  record Settings(String refreshInterval, String replicas) {}

  private Settings settings(String index) throws Exception {
    JsonNode s = JSON.readTree(http("GET", index + "/_settings", null)).path(index).path("settings").path("index");
    return new Settings(s.hasNonNull("refresh_interval") ? s.get("refresh_interval").asText() : null,
        s.hasNonNull("number_of_replicas") ? s.get("number_of_replicas").asText() : null);
  }

  private TargetTuningNode node(String job) {
    try (CoordinatorConnection c = new CoordinatorConnection(ZkSettings.of(zk, root)).start()) {
      return new TargetTuningStore(c).read(job).map(Versioned::value).orElseThrow();
    }
  }

  private long count(String index) throws Exception {
    http("POST", index + "/_refresh", null);
    return JSON.readTree(http("GET", index + "/_count", null)).path("count").asLong();
  }

  private String sourceIndex(int docs) throws Exception {
    String index = "tune-src-" + UUID.randomUUID().toString().substring(0, 8);
    http("PUT", index, "{\"mappings\":{\"properties\":" + PROPERTIES + "}}");
    List<Doc> list = new ArrayList<>();
    for (int i = 0; i < docs; i++) {
      list.add(new Doc("d" + i, Map.of("id", "d" + i, "tenant", "acme", "n", i, "ts", T0.plusSeconds(60L * i).toString())));
    }
    try (SearchStore s = Stores.open("source", StoreConfig.elasticsearch(es, index))) {
      assertThat(s.createIfAbsent(list).created()).hasSize(docs);
      s.makeVisible();
    }
    return index;
  }

  private String targetIndex(String indexSettings) throws Exception {
    String index = "tune-dst-" + UUID.randomUUID().toString().substring(0, 8);
    http("PUT", index, "{\"settings\":{\"index\":" + indexSettings + "},\"mappings\":{\"properties\":" + PROPERTIES
        + "}}");
    return index;
  }

  private Path esJob(String job, String source, String target) throws Exception {
    Path f = dir.resolve(job + ".yaml");
    Files.writeString(f, """
        job: %s
        zookeeper: {connect: "%s", root: "%s"}
        source: {engine: elasticsearch, endpoints: ["%s"], collection: %s}
        target: {engine: elasticsearch, endpoints: ["%s"], collection: %s}
        plan: {docsPerSlice: 100}
        """.formatted(job, zk, root, es, source, es, target));
    return f;
  }

  private String http(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(es + "/" + path)).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
    return r.body();
  }
}

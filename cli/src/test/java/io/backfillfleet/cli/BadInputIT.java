package io.backfillfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobRepository;
import io.backfillfleet.coordinator.JobSpec;
import io.backfillfleet.coordinator.PlannedSlice;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.coordinator.ZkSettings;
import io.backfillfleet.testkit.ElasticsearchNode;
import io.backfillfleet.testkit.SolrTestCluster;
import io.backfillfleet.testkit.ZooKeeperServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input, one test per case: a clear message naming the problem, exit code 2, no stack trace, nothing lost. */
class BadInputIT {
  @TempDir Path dir;

  private Path jobFile(String source) throws Exception {
    Path f = dir.resolve("job-" + UUID.randomUUID() + ".yaml");
    Files.writeString(f, "job: bad\nsource: " + source + "\nplan: {docsPerSlice: 100}\n");
    return f;
  }

  private static void assertClear(PlanCommandIT.Result r, String... mustContain) {
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(mustContain).doesNotContain("\tat ").doesNotContain("unexpected error");
  }

  @Test
  void aJobFileWithAMissingField() throws Exception {
    Path f = dir.resolve("nosource.yaml");
    Files.writeString(f, "job: bad\nplan: {docsPerSlice: 100}\n");
    assertClear(PlanCommandIT.run("plan", "--job-file", f.toString(), "--dry-run"), "has no 'source'");
    Path noColl = jobFile("{engine: solr, zkHost: \"127.0.0.1:9/solr\"}");
    assertClear(PlanCommandIT.run("plan", "--job-file", noColl.toString(), "--dry-run"), "source.collection is missing");
  }

  @Test
  void aJobFileWithAWrongField() throws Exception {
    Path f = jobFile("{engine: solr, zkHost: \"127.0.0.1:9/solr\", collection: c, pageSize: many}");
    assertClear(PlanCommandIT.run("plan", "--job-file", f.toString(), "--dry-run"), "source.pageSize", "many");
    Path engine = jobFile("{engine: mongodb, endpoints: [\"http://x\"], collection: c}");
    assertClear(PlanCommandIT.run("plan", "--job-file", engine.toString(), "--dry-run"), "mongodb", "solr");
  }

  @Test
  void aStoreUrlThatDoesNotAnswer() throws Exception {
    Path f = jobFile("{engine: elasticsearch, endpoints: [\"http://127.0.0.1:9\"], collection: c, maxAttempts: 2}");
    assertClear(PlanCommandIT.run("plan", "--job-file", f.toString(), "--dry-run"), "http://127.0.0.1:9", "did not answer");
  }

  @Test
  void aWrongPassword() throws Exception {
    try (SolrTestCluster secured = SolrTestCluster.startSecured(dir.resolve("secured"))) {
      secured.createCollection("guarded", 1);
      Path wrong = dir.resolve("wrong-password");
      Files.writeString(wrong, "not-the-password\n", StandardCharsets.UTF_8);
      Path f = jobFile("{engine: solr, zkHost: \"" + secured.zkHost() + "/solr\", collection: guarded, username: solr,"
          + " passwordFile: \"" + wrong + "\"}");
      PlanCommandIT.Result r = PlanCommandIT.run("plan", "--job-file", f.toString(), "--dry-run");
      assertClear(r, "refused the credentials", "401");
      assertThat(r.err()).doesNotContain("not-the-password");
      Path right = dir.resolve("right-password");
      Files.writeString(right, "SolrRocks\n", StandardCharsets.UTF_8);
      Path ok = jobFile("{engine: solr, zkHost: \"" + secured.zkHost() + "/solr\", collection: guarded, username: solr,"
          + " passwordFile: \"" + right + "\"}");
      PlanCommandIT.Result good = PlanCommandIT.run("plan", "--job-file", ok.toString(), "--dry-run");
      // the right password passes authentication; the empty collection is then the (clear) problem
      assertClear(good, "no documents");
    }
  }

  @Test
  void aCollectionOrIndexThatDoesNotExist() throws Exception {
    Path solr = jobFile("{engine: solr, zkHost: \"" + SolrTestCluster.legacy().zkHost() + "/solr\", collection: nope}");
    assertClear(PlanCommandIT.run("plan", "--job-file", solr.toString(), "--dry-run"), "collection", "nope");
    Path es = jobFile("{engine: elasticsearch, endpoints: [\"" + ElasticsearchNode.es8().httpUrl() + "\"], collection: nope}");
    assertClear(PlanCommandIT.run("plan", "--job-file", es.toString(), "--dry-run"), "index does not exist", "nope");
  }

  @Test
  void aTimestampFieldOfTheWrongType() throws Exception {
    String coll = "wrongts-" + UUID.randomUUID().toString().substring(0, 6);
    SolrTestCluster.legacy().createCollection(coll, 1);
    org.apache.solr.common.SolrInputDocument d = new org.apache.solr.common.SolrInputDocument();
    d.setField("id", "1");
    d.setField("tenant", "acme");
    d.setField("title", "not a date");
    SolrTestCluster.legacy().client().add(coll, d);
    SolrTestCluster.legacy().client().commit(coll);
    Path f = jobFile("{engine: solr, zkHost: \"" + SolrTestCluster.legacy().zkHost() + "/solr\", collection: " + coll
        + ", timestampField: title}");
    assertClear(PlanCommandIT.run("plan", "--job-file", f.toString(), "--dry-run"), "title", "timestampField");
  }

  @Test
  void aCorruptWorkNodeIsNamedAndTheRestOfTheJobStaysUsable() throws Exception {
    String zk = ZooKeeperServers.shared().getConnectString();
    String root = "/bad-" + UUID.randomUUID();
    try (CoordinatorConnection c = new CoordinatorConnection(ZkSettings.of(zk, root)).start()) {
      new JobRepository(c).publish(new JobSpec(1, "j", JobSpec.PublishState.PUBLISHING, "p", 0, 0, 3, null, null, null,
          Instant.now()), List.of(new PlannedSlice("s1", WorkNode.pending("acme", Instant.EPOCH, Instant.EPOCH.plusSeconds(9),
          5)), new PlannedSlice("s2", WorkNode.pending("acme", Instant.EPOCH.plusSeconds(9), Instant.EPOCH.plusSeconds(19),
          5))));
      c.curator().setData().forPath(root + "/jobs/j/slices/s2", "garbage".getBytes(StandardCharsets.UTF_8));
      PlanCommandIT.Result status = PlanCommandIT.run("status", "--job", "j", "--zk", zk, "--root", root);
      assertThat(status.code()).isZero();
      assertThat(status.out()).contains("1 CORRUPT").contains(root + "/jobs/j/slices/s2").contains("slices: 2 total");
      PlanCommandIT.Result release = PlanCommandIT.run("release", "--job", "j", "--slice", "s2", "--zk", zk, "--root", root);
      assertClear(release, root + "/jobs/j/slices/s2");
      assertThat(PlanCommandIT.run("release", "--job", "j", "--slice", "s1", "--zk", zk, "--root", root).code()).isZero();
    }
  }
}

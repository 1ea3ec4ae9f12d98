package io.backfillfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobControlStore;
import io.backfillfleet.coordinator.ZkSettings;
import io.backfillfleet.testkit.SolrTestCluster;
import io.backfillfleet.testkit.ZooKeeperServers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration under live traffic: while two workers copy, a dual-writer creates, updates (whole documents) and
 * deletes in both clusters, legacy first. Afterwards no live update was overwritten, no deleted document is in the
 * target, and 'backfill verify' finds no mismatch.
 */
class LiveTrafficIT {
  static final Instant T0 = Instant.parse("2020-06-01T00:00:00Z");
  static final String[] TENANTS = {"big", "mid", "small"};

  static SolrInputDocument doc(String id, String tenant, Instant ts, String origin) {
    SolrInputDocument d = new SolrInputDocument();
    d.setField("id", id);
    d.setField("tenant", tenant);
    d.setField("ts", Date.from(ts));
    d.setField("origin", origin);
    d.setField("title", "document " + id);
    return d;
  }

  @Test
  void noLiveUpdateIsOverwrittenNoDeleteIsResurrectedAndVerifyIsClean(@TempDir Path dir) throws Exception {
    String coll = "live-" + UUID.randomUUID().toString().substring(0, 8);
    SolrTestCluster legacy = SolrTestCluster.legacy();
    SolrTestCluster target = SolrTestCluster.target();
    legacy.createCollection(coll, 2);
    target.createCollection(coll, 2);
    CloudSolrClient legacyClient = legacy.client();
    CloudSolrClient targetClient = target.client();
    Random rnd = new Random(5);
    List<String> ids = new ArrayList<>();
    Map<String, String> tenantOf = new HashMap<>();
    Map<String, Instant> tsOf = new HashMap<>();
    List<SolrInputDocument> seed = new ArrayList<>();
    for (int i = 0; i < 8000; i++) {
      String tenant = TENANTS[i % 10 < 7 ? 0 : i % 10 < 9 ? 1 : 2];
      String id = tenant + "-" + i;
      Instant ts = T0.plusSeconds((long) (rnd.nextDouble() * 86_400 * (tenant.equals("big") ? 10 : 300)));
      ids.add(id);
      tenantOf.put(id, tenant);
      tsOf.put(id, ts);
      seed.add(doc(id, tenant, ts, "history"));
    }
    legacyClient.add(coll, seed);
    legacyClient.commit(coll);

    String zk = ZooKeeperServers.shared().getConnectString();
    String root = "/live-" + UUID.randomUUID();
    Path jobFile = PlanCommandIT.solrToSolrJob(dir, "live", root, coll, 600);
    assertThat(PlanCommandIT.run("plan", "--job-file", jobFile.toString(), "--apply", "--quiet").code()).isZero();
    try (CoordinatorConnection admin = new CoordinatorConnection(ZkSettings.of(zk, root)).start()) {
      new JobControlStore(admin).update("live", c -> c.withMaxDocsPerSecond(1000, "test", Instant.now()));

      // the dual-writer: whole documents, legacy first, then the new cluster
      Map<String, String> lastLive = new HashMap<>(); // id -> origin of its last live write, or "DELETED"
      AtomicBoolean stop = new AtomicBoolean();
      CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
        Random r = new Random(9);
        int ops = 0;
        try {
          while (!stop.get()) {
            int op = r.nextInt(3);
            String id = op == 0 ? "new-" + ops : ids.get(r.nextInt(ids.size()));
            String tenant = op == 0 ? TENANTS[r.nextInt(3)] : tenantOf.get(id);
            Instant ts = op == 0 ? T0.plusSeconds(r.nextInt(86_400 * 10)) : tsOf.get(id);
            if (op == 2) {
              legacyClient.deleteById(coll, id);
              targetClient.deleteById(coll, id);
              lastLive.put(id, "DELETED");
            } else {
              String origin = "live-" + ops;
              legacyClient.add(coll, doc(id, tenant, ts, origin));
              targetClient.add(coll, doc(id, tenant, ts, origin));
              lastLive.put(id, origin);
            }
            ops++;
            Thread.sleep(3); // a steady trickle of live traffic
          }
          return ops;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      List<CompletableFuture<PlanCommandIT.Result>> workers = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        String id = "w" + w;
        workers.add(CompletableFuture.supplyAsync(() -> PlanCommandIT.run("work", "--job-file", jobFile.toString(),
            "--worker-id", id, "--page-size", "100", "--settle-seconds", "1", "--checkpoint-seconds", "1")));
      }
      // live traffic overlaps a good part of the throttled copy before the throttle is lifted
      org.awaitility.Awaitility.await("a quarter of the history copied under live traffic").atMost(Duration.ofSeconds(120))
          .until(() -> new io.backfillfleet.coordinator.JobStatusReader(admin).read("live").slices().values().stream()
              .mapToLong(io.backfillfleet.coordinator.WorkNode::docsRead).sum() >= 2000);
      new JobControlStore(admin).update("live", c -> c.withMaxDocsPerSecond(0, "test", Instant.now()));
      for (CompletableFuture<PlanCommandIT.Result> w : workers) {
        PlanCommandIT.Result r = w.get(180, TimeUnit.SECONDS);
        assertThat(r.code()).as(r.err()).isZero();
      }
      stop.set(true);
      int ops = writer.get(30, TimeUnit.SECONDS);
      legacyClient.commit(coll);
      targetClient.commit(coll);

      int updatesKept = 0;
      int deletesKept = 0;
      for (Map.Entry<String, String> e : lastLive.entrySet()) {
        SolrDocument d = targetClient.getById(coll, e.getKey());
        if (e.getValue().equals("DELETED")) {
          assertThat((Object) d).as("resurrected: " + e.getKey()).isNull();
          deletesKept++;
        } else {
          assertThat((Object) d).as("lost: " + e.getKey()).isNotNull();
          assertThat(d.getFieldValue("origin")).as("overwritten: " + e.getKey()).isEqualTo(e.getValue());
          updatesKept++;
        }
      }
      System.out.printf("LIVE: %d live operations during the copy; %d live writes kept, %d deletes not resurrected%n",
          ops, updatesKept, deletesKept);
      assertThat(deletesKept).isGreaterThan(10);
      assertThat(updatesKept).isGreaterThan(10);

      PlanCommandIT.Result verify = PlanCommandIT.run("verify", "--job-file", jobFile.toString(), "--settle-seconds", "1",
          "--ids");
      assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
      assertThat(verify.out()).contains(" 0 mismatched");
      PlanCommandIT.Result status = PlanCommandIT.run("status", "--job-file", jobFile.toString());
      assertThat(status.out()).contains("no work is left");
    }
  }
}

package io.backfillfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobControlStore;
import io.backfillfleet.coordinator.JobStatus;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.SliceState;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.coordinator.ZkSettings;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.Stores;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.testkit.SolrTestCluster;
import io.backfillfleet.testkit.ZooKeeperServers;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 'backfill work' as a real forked JVM: SIGTERM checkpoints, releases and exits 0; another worker finishes. */
class WorkCommandIT {
  static final Instant T0 = Instant.parse("2022-02-01T00:00:00Z");

  @Test
  void sigtermCheckpointsReleasesAndExitsZeroWithinTheGracePeriod(@TempDir Path dir) throws Exception {
    String coll = "work-" + UUID.randomUUID().toString().substring(0, 8);
    SolrTestCluster.legacy().createCollection(coll, 1);
    SolrTestCluster.target().createCollection(coll, 1);
    StoreConfig src = StoreConfig.solrCloud(SolrTestCluster.legacy().zkHost() + "/solr", coll);
    List<Doc> docs = new ArrayList<>();
    for (int i = 0; i < 6000; i++) {
      docs.add(new Doc("d" + i, Map.of("id", "d" + i, "tenant", "acme", "ts", T0.plusSeconds(37L * i).toString())));
    }
    try (SearchStore s = Stores.open("source", src)) {
      assertThat(s.createIfAbsent(docs).created()).hasSize(6000);
      s.makeVisible();
    }
    String zk = ZooKeeperServers.shared().getConnectString();
    String root = "/work-" + UUID.randomUUID();
    Path jobFile = PlanCommandIT.solrToSolrJob(dir, "sigterm", root, coll, 1_000_000);
    assertThat(PlanCommandIT.run("plan", "--job-file", jobFile.toString(), "--apply", "--quiet").code()).isZero();

    try (CoordinatorConnection admin = new CoordinatorConnection(ZkSettings.of(zk, root)).start()) {
      new JobControlStore(admin).update("sigterm", c -> c.withMaxDocsPerSecond(600, "test", Instant.now()));
      // with JSON logs (and the shipped logging configuration), as a pod with logFormat: json
      Process worker = new ProcessBuilder(javaBin(), "-cp", System.getProperty("java.class.path"),
          "-Dlog4j2.configurationFile=classpath:log4j2.xml", "io.backfillfleet.cli.Main", "--log-format", "json",
          "work", "--job-file", jobFile.toString(), "--page-size", "50",
          "--checkpoint-pages", "100", "--grace-seconds", "10", "--settle-seconds", "1", "--worker-id", "forked")
          .redirectErrorStream(true).redirectOutput(dir.resolve("worker.log").toFile()).start();
      try {
        try {
          await().atMost(Duration.ofSeconds(60)).until(() -> claimHeld(admin));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError("no claim within 60 s; the worker's log:\n" + Files.readString(dir.resolve("worker.log")), e);
        }
        // a few pages written past its claim (their re-check is still to come: the stop waits for it)
        await("pages written").atMost(Duration.ofSeconds(60)).until(() -> targetCount(coll) >= 200);
        long t0 = System.nanoTime();
        worker.destroy(); // SIGTERM, as Kubernetes does when scaling down
        assertThat(worker.waitFor(15, TimeUnit.SECONDS)).as("exits within the grace period").isTrue();
        System.out.printf("SIGTERM: exit %d after %d ms%n", worker.exitValue(), (System.nanoTime() - t0) / 1_000_000);
        assertThat(worker.exitValue()).as(Files.readString(dir.resolve("worker.log"))).isZero();
      } finally {
        worker.destroyForcibly();
      }
      JobStatus status = new JobStatusReader(admin).read("sigterm");
      WorkNode w = status.slices().values().iterator().next();
      assertThat(status.claims()).as("released").isEmpty();
      assertThat(w.state()).isEqualTo(SliceState.PENDING);
      assertThat(w.docsRead()).as("checkpointed on the way out, though the interval was 100 pages").isGreaterThan(0);
      assertThat(w.cursor()).isNotNull();
      assertThat(Files.readString(dir.resolve("worker.log"))).contains("stopped; slices in flight were checkpointed");
      // every log line one JSON object, each with the job and the worker, the slice's lines with the slice
      com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
      List<com.fasterxml.jackson.databind.JsonNode> lines = new ArrayList<>();
      for (String line : Files.readAllLines(dir.resolve("worker.log"))) {
        if (!line.isBlank()) lines.add(json.readTree(line));
      }
      assertThat(lines).isNotEmpty().allSatisfy(l -> {
        assertThat(l.path("job").asText()).isEqualTo("sigterm");
        assertThat(l.path("worker").asText()).isEqualTo("forked");
        assertThat(l.path("level").asText()).isIn("INFO", "WARN", "ERROR");
      });
      String slice = status.slices().keySet().iterator().next();
      assertThat(lines).anySatisfy(l -> assertThat(l.path("slice").asText()).isEqualTo(slice));

      new JobControlStore(admin).update("sigterm", c -> c.withMaxDocsPerSecond(0, "test", Instant.now()));
      PlanCommandIT.Result second = PlanCommandIT.run("work", "--job-file", jobFile.toString(), "--worker-id", "second",
          "--settle-seconds", "1");
      assertThat(second.code()).as(second.err()).isZero();
      WorkNode done = new JobStatusReader(admin).read("sigterm").slices().values().iterator().next();
      assertThat(done.state()).isEqualTo(SliceState.DONE);
      assertThat(done.owner()).isEqualTo("second");
      try (SearchStore t = Stores.open("target", StoreConfig.solrCloud(SolrTestCluster.target().zkHost() + "/solr", coll))) {
        t.makeVisible();
        assertThat(t.count("acme", TimeWindow.of(T0, T0.plusSeconds(37L * 6000)))).isEqualTo(6000);
      }
    }
  }

  private static long targetCount(String coll) {
    try (SearchStore t = Stores.open("target", StoreConfig.solrCloud(SolrTestCluster.target().zkHost() + "/solr", coll))) {
      t.makeVisible();
      return t.count("acme", TimeWindow.of(T0, T0.plusSeconds(37L * 6000)));
    }
  }

  private static boolean claimHeld(CoordinatorConnection admin) {
    return !new JobStatusReader(admin).read("sigterm").claims().isEmpty();
  }

  private static String javaBin() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }
}

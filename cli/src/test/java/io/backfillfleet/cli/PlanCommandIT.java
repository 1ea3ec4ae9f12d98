package io.backfillfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.store.Doc;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.Stores;
import io.backfillfleet.testkit.SolrTestCluster;
import io.backfillfleet.testkit.ZooKeeperServers;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** 'backfill plan' end to end against real Solr and ZooKeeper. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlanCommandIT {
  static final Instant T0 = Instant.parse("2023-06-01T00:00:00Z");
  @TempDir Path dir;
  String collection;
  String zkHost;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * Writes {@code dir/job.yaml}: job {@code job} under ZooKeeper root {@code root} of the shared ZooKeeper, copying
   * collection {@code coll} of the legacy Solr test cluster into the same-named collection of the target one.
   */
  static Path solrToSolrJob(Path dir, String job, String root, String coll, int docsPerSlice) throws IOException {
    Path jobFile = dir.resolve("job.yaml");
    Files.writeString(jobFile, """
        job: %s
        zookeeper: {connect: "%s", root: "%s"}
        source: {engine: solr, zkHost: "%s/solr", collection: %s}
        target: {engine: solr, zkHost: "%s/solr", collection: %s}
        plan: {docsPerSlice: %d}
        """.formatted(job, ZooKeeperServers.shared().getConnectString(), root, SolrTestCluster.legacy().zkHost(), coll,
        SolrTestCluster.target().zkHost(), coll, docsPerSlice));
    return jobFile;
  }

  @BeforeAll
  void seed() {
    collection = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    SolrTestCluster.legacy().createCollection(collection, 1);
    // a soft commit bounds when changes are searchable: 'plan --apply' then publishes a watermark snapshot
    SolrTestCluster.legacy().softCommitEvery(collection, java.time.Duration.ofMillis(500));
    zkHost = SolrTestCluster.legacy().zkHost() + "/solr";
    List<Doc> docs = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      String tenant = i % 10 == 0 ? "quiet" : "busy";
      docs.add(new Doc("d" + i, Map.of("id", "d" + i, "tenant", tenant, "ts", T0.plusSeconds(
          tenant.equals("busy") ? 60L * i : 86_400L * i).toString())));
    }
    try (SearchStore s = Stores.open("source", StoreConfig.solrCloud(zkHost, collection))) {
      assertThat(s.createIfAbsent(docs).created()).hasSize(3000);
      s.makeVisible();
      // the cores reload with the soft commit setting asynchronously
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> s.searchVisibility().isBounded());
    }
  }

  Path jobFile(String zkConnect, String root, String extraSource) throws Exception {
    Path f = dir.resolve("job-" + UUID.randomUUID() + ".yaml");
    Files.writeString(f, """
        job: orders
        zookeeper: {connect: "%s", root: "%s"}
        source: {engine: solr, zkHost: "%s", collection: %s%s}
        target: {engine: solr, zkHost: "%s", collection: %s}
        plan: {docsPerSlice: 500, docsPerSecond: 1000, workers: 2}
        fieldMapping: {rename: {legacy_name: new_name}, drop: [internal]}
        """.formatted(zkConnect, root, zkHost, collection, extraSource, zkHost, collection)); // apply needs a target that exists
    return f;
  }

  @Test
  void dryRunPrintsTheReportAndWritesNothingEvenWithoutZooKeeper() throws Exception {
    Path html = dir.resolve("plan.html");
    Result r = run("plan", "--job-file", jobFile("127.0.0.1:9", "/none", "").toString(), "--dry-run",
        "--format", "json", "--html", html.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("\"tenant\" : \"busy\"").contains("\"tenant\" : \"quiet\"").contains("\"slices\"");
    assertThat(Files.readString(html)).contains("<svg").contains("busy");
    Result csv = run("plan", "--job-file", jobFile("127.0.0.1:9", "/none", "").toString(), "--dry-run", "--format", "csv");
    assertThat(csv.out().lines()).hasSize(3);
    Result table = run("plan", "--job-file", jobFile("127.0.0.1:9", "/none", "").toString(), "--dry-run");
    assertThat(table.out()).contains("TOTAL: 2 tenants").contains("balance p95/median")
        .contains("read path: Solr cursorMark paging").contains("dynamic fields"); // the test schema has *_s etc.
    assertThat(r.err()).as("json keeps stdout parseable; the read path goes to stderr").contains("read path: Solr");
    assertThat(table.out()).as("the estimate counts each slice's own cost").contains("ESTIMATE: about")
        .contains("0.5s of round trips each in 16 copy slots, a 5.0s settle delay each in 64 settling slots; 2 workers x 8)");
  }

  @Test
  void quietPrintsOneBlockAndReportChoosesTheDetail() throws Exception {
    String f = jobFile("127.0.0.1:9", "/none", "").toString();
    Result quiet = run("plan", "--job-file", f, "--dry-run", "--quiet", "--settle-seconds", "0", "--concurrency", "4");
    assertThat(quiet.code()).as(quiet.err()).isZero();
    assertThat(quiet.out().lines().toList()).hasSize(3).satisfiesExactly(l -> assertThat(l).startsWith("TOTAL: 2 tenants"),
        l -> assertThat(l).contains("0.5s of round trips each in 8 copy slots, a 0.0s settle delay each in 32 settling"
            + " slots; 2 workers x 4)"),
        l -> assertThat(l).startsWith("COVERAGE: "));
    Result summary = run("plan", "--job-file", f, "--dry-run", "--report", "summary");
    assertThat(summary.out()).contains("SUMMARY of 2 tenants").contains("LARGEST 2 TENANTS").contains("TOTAL: 2 tenants");
    Result full = run("plan", "--job-file", f, "--dry-run", "--quiet", "--report", "full");
    assertThat(full.out()).contains("busy").contains("quiet").contains("TOTAL: 2 tenants").doesNotContain("SUMMARY");
    Result bad = run("plan", "--job-file", f, "--dry-run", "--report", "everything");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--report must be full, summary or totals, not 'everything'");
  }

  @Test
  void applyPublishesOnceAndRefusesTheSecondTime() throws Exception {
    String zk = ZooKeeperServers.shared().getConnectString();
    String root = "/cli-" + UUID.randomUUID();
    Path f = jobFile(zk, root, "");
    Result first = run("plan", "--job-file", f.toString(), "--apply", "--quiet");
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.err()).contains("published job orders");
    try (CuratorFramework c = CuratorFrameworkFactory.newClient(zk, new RetryOneTime(100))) {
      c.start();
      int slices = c.getChildren().forPath(root + "/jobs/orders/slices").size();
      String spec = new String(c.getData().forPath(root + "/jobs/orders"), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(spec).as("the workers get the field mapping").contains("\"legacy_name\":\"new_name\"")
          .contains("\"internal\"");
      // the source's watermark snapshot, published once usable: the workers range-count pages from their first
      java.util.regex.Matcher mark = java.util.regex.Pattern.compile("\"sourceChangeMark\":(\\d+)").matcher(spec);
      assertThat(mark.find()).as(spec).isTrue();
      assertThat(Long.parseLong(mark.group(1))).isPositive();
      assertThat(slices).isGreaterThanOrEqualTo(6);
      Result again = run("plan", "--job-file", f.toString(), "--apply");
      assertThat(again.code()).isEqualTo(2);
      assertThat(again.err()).contains("already exists").doesNotContain("Exception");
      assertThat(c.getChildren().forPath(root + "/jobs/orders/slices")).hasSize(slices);
    }
  }

  @Test
  void badInputGivesOneClearLineAndExitCode2() throws Exception {
    Path f = jobFile("127.0.0.1:9", "/x", "");
    Result unknownTenant = run("plan", "--job-file", f.toString(), "--dry-run", "--tenants", "bussy");
    assertThat(unknownTenant.code()).isEqualTo(2);
    assertThat(unknownTenant.err()).contains("unknown tenant").contains("busy").doesNotContain("\tat ");

    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, "job: j\nsource: {engine: solr, zkHost: x, colection: c}\n");
    Result badFile = run("plan", "--job-file", typo.toString(), "--dry-run");
    assertThat(badFile.code()).isEqualTo(2);
    assertThat(badFile.err()).contains("unknown field 'colection'").contains("source");

    Result badTs = run("plan", "--job-file", jobFile("127.0.0.1:9", "/x", ", timestampField: created").toString(),
        "--dry-run");
    assertThat(badTs.code()).isEqualTo(2);
    assertThat(badTs.err()).contains("created").contains("timestampField");

    Result down = run("plan", "--job-file", jobFile("127.0.0.1:9", "/x", "").toString(),
        "--dry-run", "--docs-per-slice", "0");
    assertThat(down.code()).isEqualTo(2);
    assertThat(down.err()).contains("--docs-per-slice must be at least 1");

    Path noSolr = dir.resolve("nosolr.yaml");
    Files.writeString(noSolr, "job: j\nsource: {engine: solr, endpoints: [\"http://127.0.0.1:9/solr\"], collection: c,"
        + " maxAttempts: 2}\nplan: {docsPerSlice: 10}\n");
    Result unreachable = run("plan", "--job-file", noSolr.toString(), "--dry-run");
    assertThat(unreachable.code()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(unreachable.err()).contains("127.0.0.1:9").contains("did not answer");

    Result badName = run("plan", "--job-file", f.toString(), "--dry-run", "--job", "a/b");
    assertThat(badName.code()).isEqualTo(2);
    assertThat(badName.err()).contains("job name 'a/b' is not valid");

    Result noMode = run("plan", "--job-file", f.toString());
    assertThat(noMode.code()).isEqualTo(2);
    assertThat(noMode.err()).contains("--dry-run");
  }
}

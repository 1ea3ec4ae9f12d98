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
    assertClear(r, ExitCodes.BAD_INPUT, mustContain);
  }

  private static void assertClear(PlanCommandIT.Result r, int code, String... mustContain) {
    assertThat(r.code()).as(r.err()).isEqualTo(code);
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
  void aFieldMappingWithAnUnknownTypeOrPolicyIsNamed() throws Exception {
    Path f = dir.resolve("mapping.yaml");
    Files.writeString(f, "job: bad\nsource: {engine: solr, zkHost: \"127.0.0.1:9/solr\", collection: c}\n"
        + "plan: {docsPerSlice: 100}\nfieldMapping: {convert: {ts: datetime}}\n");
    assertClear(PlanCommandIT.run("plan", "--job-file", f.toString(), "--dry-run"), "datetime",
        "use string, integer, decimal, boolean, date or date_from_epoch_seconds");
    Files.writeString(f, "job: bad\nsource: {engine: solr, zkHost: \"127.0.0.1:9/solr\", collection: c}\n"
        + "plan: {docsPerSlice: 100}\nfieldMapping: {lossyValues: keep}\n");
    assertClear(PlanCommandIT.run("plan", "--job-file", f.toString(), "--dry-run"), "lossyValues", "keep");
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
    // 4, not 2: nothing is wrong with the input, and the same command may succeed once the cluster is up
    assertClear(PlanCommandIT.run("plan", "--job-file", f.toString(), "--dry-run"), ExitCodes.UNAVAILABLE,
        "http://127.0.0.1:9", "did not answer");
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
      String s2 = new JobRepository(c).slicePath("j", "s2");
      c.curator().setData().forPath(s2, "garbage".getBytes(StandardCharsets.UTF_8));
      PlanCommandIT.Result status = PlanCommandIT.run("status", "--job", "j", "--zk", zk, "--root", root);
      assertThat(status.code()).isZero();
      assertThat(status.out()).contains("slices: 2 total"); // from the tallies: a summary reads no pending node
      PlanCommandIT.Result pending = PlanCommandIT.run("status", "--job", "j", "--state", "PENDING", "--zk", zk,
          "--root", root);
      assertThat(pending.code()).isZero();
      assertThat(pending.out()).contains("1 slices of job j in state PENDING").contains("1 CORRUPT").contains(s2);
      PlanCommandIT.Result release = PlanCommandIT.run("release", "--job", "j", "--slice", "s2", "--zk", zk, "--root", root);
      assertClear(release, s2);
      assertThat(PlanCommandIT.run("release", "--job", "j", "--slice", "s1", "--zk", zk, "--root", root).code()).isZero();
    }
  }

  /** An Elasticsearch 8 index with {@code mapping}'s properties and a few documents of tenant acme. */
  private static String esIndex(String prefix, String properties, int docs) throws Exception {
    String index = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(http("PUT", index, "{\"mappings\":{\"properties\":" + properties + "}}")).isEqualTo(200);
    try (io.backfillfleet.store.SearchStore s = io.backfillfleet.store.Stores.open("source",
        io.backfillfleet.store.StoreConfig.elasticsearch(ElasticsearchNode.es8().httpUrl(), index))) {
      List<io.backfillfleet.store.Doc> list = new java.util.ArrayList<>();
      for (int i = 0; i < docs; i++) {
        list.add(new io.backfillfleet.store.Doc("d" + i, java.util.Map.of("id", "d" + i, "tenant", "acme", "n", i,
            "ts", Instant.parse("2024-01-01T00:00:00Z").plusSeconds(60L * i).toString())));
      }
      assertThat(s.createIfAbsent(list).created()).hasSize(docs);
      s.makeVisible();
    }
    return index;
  }

  private static int http(String method, String path, String body) throws Exception {
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
        ElasticsearchNode.es8().httpUrl() + "/" + path)).header("Content-Type", "application/json");
    b.method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
    return java.net.http.HttpClient.newHttpClient().send(b.build(),
        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private Path esJob(String source, String target, String extraSource, String root) throws Exception {
    Path f = dir.resolve("es-" + UUID.randomUUID() + ".yaml");
    String es = ElasticsearchNode.es8().httpUrl();
    Files.writeString(f, """
        job: typo
        zookeeper: {connect: "%s", root: "%s"}
        source: {engine: elasticsearch, endpoints: ["%s"], collection: %s%s}
        target: {engine: elasticsearch, endpoints: ["%s"], collection: %s}
        plan: {docsPerSlice: 100}
        """.formatted(ZooKeeperServers.shared().getConnectString(), root, es, source, extraSource, es, target));
    return f;
  }

  private static final String PROPERTIES = "{\"id\":{\"type\":\"keyword\"},\"tenant\":{\"type\":\"keyword\"},"
      + "\"ts\":{\"type\":\"date\"},\"n\":{\"type\":\"integer\"},\"title\":{\"type\":\"text\"}}";

  @Test
  void aTargetThatDoesNotExistIsRefusedByApplyAndByTheWorkerAndNotCreated() throws Exception {
    String source = esIndex("typo-src", PROPERTIES, 20);
    String target = source + "-nwe"; // a typo
    String root = "/typo-" + UUID.randomUUID();
    Path f = esJob(source, target, "", root);
    PlanCommandIT.Result apply = PlanCommandIT.run("plan", "--job-file", f.toString(), "--apply", "--quiet");
    assertClear(apply, "index " + target + " does not exist", "create the index");
    assertThat(apply.err().strip().lines()).hasSize(1);
    assertThat(http("HEAD", target, null)).as("not created").isEqualTo(404);

    // published while it existed, gone when a worker starts: the worker refuses instead of re-creating it
    assertThat(http("PUT", target, "{\"mappings\":{\"properties\":" + PROPERTIES + "}}")).isEqualTo(200);
    assertThat(PlanCommandIT.run("plan", "--job-file", f.toString(), "--apply", "--quiet").code()).isZero();
    assertThat(http("DELETE", target, null)).isEqualTo(200);
    PlanCommandIT.Result work = PlanCommandIT.run("work", "--job-file", f.toString(), "--worker-id", "w",
        "--settle-seconds", "0");
    assertClear(work, "index " + target + " does not exist");
    assertThat(http("HEAD", target, null)).as("not created by the worker").isEqualTo(404);
  }

  @Test
  void aTimestampTenantOrIdFieldReadingCannotUseIsNamedWithItsTypeOnElasticsearch() throws Exception {
    String source = esIndex("fields", PROPERTIES, 5);
    String root = "/fields-" + UUID.randomUUID();
    assertClear(PlanCommandIT.run("plan", "--job-file", esJob(source, source, ", timestampField: created", root).toString(),
        "--dry-run"), "timestampField 'created' is not in the mapping");
    assertClear(PlanCommandIT.run("plan", "--job-file", esJob(source, source, ", timestampField: n", root).toString(),
        "--dry-run"), "timestampField 'n' is integer, not a date");
    assertClear(PlanCommandIT.run("plan", "--job-file", esJob(source, source, ", tenantField: title", root).toString(),
        "--dry-run"), "tenantField 'title' is text");
    assertClear(PlanCommandIT.run("plan", "--job-file", esJob(source, source, ", idField: _id", root).toString(),
        "--dry-run"), "idField '_id'");
    String noDocValues = esIndex("nodv", PROPERTIES.replace("{\"type\":\"date\"}",
        "{\"type\":\"date\",\"doc_values\":false}"), 5);
    assertClear(PlanCommandIT.run("plan", "--job-file", esJob(noDocValues, noDocValues, "", root).toString(),
        "--dry-run"), "timestampField 'ts' (date) has no docValues");
  }

  @Test
  void aSolrTimestampFieldThatIsNotADateIsNamedWithItsType() throws Exception {
    Path f = jobFile("{engine: solr, zkHost: \"" + SolrTestCluster.legacy().zkHost() + "/solr\", collection: "
        + seededSolr() + ", timestampField: n}");
    assertClear(PlanCommandIT.run("plan", "--job-file", f.toString(), "--dry-run"),
        "timestampField 'n' is pint (solr.IntPointField), not a date");
  }

  private static String seededSolr() throws Exception {
    String coll = "solrfields-" + UUID.randomUUID().toString().substring(0, 6);
    SolrTestCluster.legacy().createCollection(coll, 1);
    org.apache.solr.common.SolrInputDocument d = new org.apache.solr.common.SolrInputDocument();
    d.setField("id", "1");
    d.setField("tenant", "acme");
    d.setField("n", 7);
    d.setField("ts", new java.util.Date());
    SolrTestCluster.legacy().client().add(coll, d);
    SolrTestCluster.legacy().client().commit(coll);
    return coll;
  }

  @Test
  void anUnreachableSolrZkHostSaysSoWithinTheConnectTimeoutWithTheTriesLeft() throws Exception {
    Path f = jobFile("{engine: solr, zkHost: \"127.0.0.1:9/solr\", collection: c, connectTimeout: PT2S, maxAttempts: 3}");
    Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp",
        System.getProperty("java.class.path"), "io.backfillfleet.cli.Main", "plan", "--job-file", f.toString(),
        "--dry-run").redirectErrorStream(true).start();
    long t0 = System.nanoTime();
    try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8))) {
      StringBuilder seen = new StringBuilder();
      String first = null;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        seen.append(line).append('\n');
        if (line.contains("try 1 of 3")) {
          first = line;
          break;
        }
      }
      java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - t0);
      assertThat(first).as(seen.toString()).isNotNull().contains("127.0.0.1:9").contains("2 left");
      // the connect timeout (2 s) plus the JVM's start on a busy machine; each later try is said the same way
      assertThat(took).as(seen.toString()).isLessThan(java.time.Duration.ofSeconds(15));
      assertThat(p.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(ExitCodes.UNAVAILABLE);
    } finally {
      p.destroyForcibly();
    }
  }

  /** A Solr job whose source is seeded and whose target collection {@code target} may or may not exist. */
  private Path solrJob(String source, String target, String root, boolean byUrl) throws Exception {
    Path f = dir.resolve("solr-" + UUID.randomUUID() + ".yaml");
    Files.writeString(f, """
        job: gone
        zookeeper: {connect: "%s", root: "%s"}
        source: {engine: solr, zkHost: "%s/solr", collection: %s}
        target: {engine: solr, %s, collection: %s}
        plan: {docsPerSlice: 100}
        """.formatted(ZooKeeperServers.shared().getConnectString(), root, SolrTestCluster.legacy().zkHost(), source,
        byUrl ? "endpoints: [\"" + SolrTestCluster.target().cluster().getJettySolrRunner(0).getBaseUrl() + "\"]"
            : "zkHost: \"" + SolrTestCluster.target().zkHost() + "/solr\"", target));
    return f;
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "target by URL: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void aSolrTargetCollectionThatIsGoneStopsWorkAndVerifyWithExit2BeforeAnyClaim(boolean byUrl) throws Exception {
    String source = seededSolr();
    String target = "gone-" + UUID.randomUUID().toString().substring(0, 6);
    SolrTestCluster.target().createCollection(target, 1);
    String root = "/gone-" + UUID.randomUUID();
    Path f = solrJob(source, target, root, byUrl);
    assertThat(PlanCommandIT.run("plan", "--job-file", f.toString(), "--apply", "--quiet").code()).isZero();
    SolrTestCluster.target().client().request(
        org.apache.solr.client.solrj.request.CollectionAdminRequest.deleteCollection(target));
    PlanCommandIT.Result work = PlanCommandIT.run("work", "--job-file", f.toString(), "--worker-id", "w",
        "--settle-seconds", "0");
    assertClear(work, "collection " + target, "does not exist");
    assertThat(work.err().strip().lines().filter(l -> l.startsWith("backfill:"))).hasSize(1);
    PlanCommandIT.Result status = PlanCommandIT.run("status", "--job", "gone", "--zk",
        ZooKeeperServers.shared().getConnectString(), "--root", root);
    assertThat(status.out()).as("no slice claimed or failed").contains("1 pending, 0 failed");
    PlanCommandIT.Result verify = PlanCommandIT.run("verify", "--job-file", f.toString(), "--ids", "--settle-seconds", "0");
    assertClear(verify, "collection " + target, "does not exist");
  }

  /**
   * A server that accepts connections and never answers: said while waiting (not only when a try times out), the
   * whole wait bounded by requestTimeout x maxAttempts, one line per event and no library stack trace.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"solr", "elasticsearch"})
  void aServerThatNeverAnswersIsReportedWhileWaitingAndWithinTheSettings(String engine) throws Exception {
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) held.add(silent.accept()); // read nothing, answer nothing
        } catch (java.io.IOException closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      String url = "http://127.0.0.1:" + silent.getLocalPort() + (engine.equals("solr") ? "/solr" : "");
      Path f = jobFile("{engine: " + engine + ", endpoints: [\"" + url + "\"], collection: c, requestTimeout: PT12S,"
          + " maxAttempts: 2}");
      Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp",
          System.getProperty("java.class.path"), "-Dlog4j2.configurationFile=classpath:log4j2.xml", // as shipped
          "io.backfillfleet.cli.Main", "plan", "--job-file", f.toString(), "--dry-run").redirectErrorStream(true).start();
      long t0 = System.nanoTime();
      try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8))) {
        List<String> lines = r.lines().toList(); // until the process exits
        java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - t0);
        String all = String.join("\n", lines);
        assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(all).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(lines).as(all).anyMatch(l -> l.contains("no answer from " + engine) && l.contains(url)
            && l.contains("after 10 s") && l.contains("try 1 of 2") && l.contains("requestTimeout and maxAttempts"));
        // one line per event: a library's warning carries its exception's message, not its stack trace
        assertThat(all).doesNotContain("\tat ").doesNotContain("Caused by").contains("did not answer");
        assertThat(lines.get(lines.size() - 1)).startsWith("backfill: ").contains("did not answer");
        // 2 tries of 12 s and a backoff (Solr may spend two timeouts on a try: within the budget plus one try),
        // and a JVM's start on a busy machine
        assertThat(took).as(all).isLessThan(java.time.Duration.ofSeconds(24 + 24 + 30));
      } finally {
        p.destroyForcibly();
        for (java.net.Socket s : held) s.close();
      }
    }
  }
}

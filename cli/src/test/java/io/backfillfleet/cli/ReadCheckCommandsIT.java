package io.backfillfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backfillfleet.cli.PlanCommandIT.Result;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.Stores;
import io.backfillfleet.testkit.SolrTestCluster;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * 'backfill compare' end to end on real Solr clusters: the readiness gate's exit codes, the JSON and HTML reports,
 * and both HTML pages of the tools (the report and the plan picture) opened in a real browser.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadCheckCommandsIT {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  @TempDir Path dir;
  private String legacy;
  private String fresh;

  @BeforeAll
  void seed() {
    legacy = "rc-" + UUID.randomUUID().toString().substring(0, 8);
    fresh = legacy + "-new";
    SolrTestCluster.legacy().createCollection(legacy, 1);
    SolrTestCluster.target().createCollection(fresh, 1);
    List<Doc> docs = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      String tenant = i % 5 == 0 ? "quiet" : i % 5 == 1 ? "middle" : "busy";
      docs.add(new Doc("d" + i, Map.of("id", "d" + i, "tenant", tenant, "ts", T0.plusSeconds(3600L * i).toString(),
          "origin", i % 3 == 0 ? "web" : "app")));
    }
    for (StoreConfig c : List.of(StoreConfig.solrCloud(SolrTestCluster.legacy().zkHost() + "/solr", legacy),
        StoreConfig.solrCloud(SolrTestCluster.target().zkHost() + "/solr", fresh))) {
      try (SearchStore s = Stores.open("seed", c)) {
        assertThat(s.createIfAbsent(docs).created()).hasSize(docs.size());
        s.makeVisible();
      }
    }
  }

  private Path jobFile() throws Exception {
    Path f = dir.resolve("job.yaml");
    Files.writeString(f, """
        job: reads
        zookeeper: {connect: "127.0.0.1:9", root: /none}
        source: {engine: solr, zkHost: "%s/solr", collection: %s}
        target: {engine: solr, zkHost: "%s/solr", collection: %s}
        """.formatted(SolrTestCluster.legacy().zkHost(), legacy, SolrTestCluster.target().zkHost(), fresh));
    return f;
  }

  private Result compare(Path html, Path json, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("compare", "--job-file", jobFile().toString(), "--generate",
        "--facet-field", "origin", "--settle-seconds", "0.5", "--max-latency-ratio", "50", "--html", html.toString(),
        "--json", json.toString()));
    args.addAll(List.of(extra));
    return PlanCommandIT.run(args.toArray(String[]::new));
  }

  @Test
  void theGateSaysReadyThenNotReadyAndTheReportsSayWhy() throws Exception {
    Path html = dir.resolve("ready.html");
    Path json = dir.resolve("ready.json");
    Path saved = dir.resolve("queries.jsonl");
    Result ready = compare(html, json, "--save-queries", saved.toString());
    assertThat(ready.code()).as(ready.out() + ready.err()).isZero();
    assertThat(ready.out()).contains("READY: ").contains("latency p50/p95/p99/max ms: legacy");
    JsonNode r = new ObjectMapper().readTree(json.toFile());
    assertThat(r.path("gate").path("ready").asBoolean()).isTrue();
    assertThat(r.path("requests").asLong()).isEqualTo(Files.readAllLines(saved).size());

    // the new cluster loses the three newest "quiet" documents
    SolrTestCluster.target().client().deleteById(fresh, List.of("d1495", "d1490", "d1485"));
    SolrTestCluster.target().client().commit(fresh);
    Path badHtml = dir.resolve("not-ready.html");
    Result notReady = compare(badHtml, dir.resolve("not-ready.json"));
    assertThat(notReady.code()).as(notReady.out() + notReady.err()).isEqualTo(ReadCheckCommands.NOT_READY);
    assertThat(notReady.out()).contains("NOT READY: ").contains("DIFFERS   count per tenant: 1 of 3 differ")
        .contains("newest 10 documents per tenant").contains("legacy: curl -sS 'http://")
        .contains("not ready: ");
    assertThat(Files.readString(badHtml)).contains("NOT READY for reads").contains("tenant quiet");
    // the same reads, replayed from the saved file, see the same
    Result replayed = PlanCommandIT.run("compare", "--job-file", jobFile().toString(), "--queries", saved.toString(),
        "--settle-seconds", "0", "--max-latency-ratio", "50");
    assertThat(replayed.code()).as(replayed.out() + replayed.err()).isEqualTo(ReadCheckCommands.NOT_READY);
    assertThat(replayed.out()).contains("DIFFERS   count per tenant: 1 of 3 differ");
  }

  @Test
  void theReportAndThePlanPictureRenderInARealBrowser() throws Exception {
    HeadlessChromium.assumeInstalled();
    Path html = dir.resolve("browser.html");
    Path json = dir.resolve("browser.json");
    Result r = compare(html, json);
    assertThat(r.code()).as(r.err()).isIn(ExitCodes.OK, ReadCheckCommands.NOT_READY);
    boolean ready = new ObjectMapper().readTree(json.toFile()).path("gate").path("ready").asBoolean();
    // the DOM the browser built has the parts, and the screenshot shows them drawn
    String dom = HeadlessChromium.dom(html, dir);
    assertThat(dom).contains(ready ? "READY for reads" : "NOT READY for reads").contains("id=\"latency\"")
        .contains("id=\"mismatch-rate\"").contains("id=\"shapes\"").contains("Worst mismatches")
        .contains("count per tenant and month");
    BufferedImage shot = HeadlessChromium.screenshot(html, dir, 1200, 1600);
    assertThat(HeadlessChromium.pixelsNear(shot, 0x4e79a7)).as("legacy's latency bars").isGreaterThan(500);
    assertThat(HeadlessChromium.pixelsNear(shot, 0xf28e2b)).as("the new cluster's latency bars").isGreaterThan(500);
    assertThat(HeadlessChromium.pixelsNear(shot, ready ? 0xe3f4e1 : 0xfbe3e3)).as("the verdict banner").isGreaterThan(5000);

    Path plan = dir.resolve("plan.html");
    Result planned = PlanCommandIT.run("plan", "--job-file", jobFile().toString(), "--dry-run", "--docs-per-slice", "200",
        "--html", plan.toString());
    assertThat(planned.code()).as(planned.err()).isZero();
    assertThat(HeadlessChromium.dom(plan, dir)).contains("<svg").contains("busy").contains("quiet");
    BufferedImage planShot = HeadlessChromium.screenshot(plan, dir, 1200, 800);
    assertThat(HeadlessChromium.pixelsNear(planShot, 0x1f77b4) + HeadlessChromium.pixelsNear(planShot, 0x6baed6))
        .as("the slices drawn as bars").isGreaterThan(500);
  }

  @Test
  void badInputIsOneClearLineAndExitTwo() throws Exception {
    Result missing = PlanCommandIT.run("compare", "--job-file", jobFile().toString(), "--queries",
        dir.resolve("nope.jsonl").toString());
    assertThat(missing.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(missing.err()).startsWith("backfill: cannot read ").contains("nope.jsonl");
    Result both = PlanCommandIT.run("compare", "--job-file", jobFile().toString(), "--generate", "--queries", "x");
    assertThat(both.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(both.err()).contains("mutually exclusive");
    Result gate = PlanCommandIT.run("compare", "--job-file", jobFile().toString(), "--generate", "--max-mismatch-ratio", "2");
    assertThat(gate.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(gate.err()).contains("--max-mismatch-ratio must be between 0 and 1");
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
      Result busy = PlanCommandIT.run("mirror", "--job-file", jobFile().toString(), "--listen",
          Integer.toString(taken.getLocalPort()), "--duration", "1");
      assertThat(busy.code()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(busy.err()).startsWith("backfill: cannot listen on port " + taken.getLocalPort());
    }
  }
}

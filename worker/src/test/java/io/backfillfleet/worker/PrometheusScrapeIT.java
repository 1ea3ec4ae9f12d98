package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backfillfleet.coordinator.CoordinatorConnection;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package, installed by scripts/test.sh) scrapes a worker copying a real job, and its
 * HTTP API answers the fleet's copy counter; the chart's dashboard and alert rules query only metrics that this live
 * {@code /metrics} exports.
 */
class PrometheusScrapeIT {
  static final Path PROMETHEUS = Paths.get("/usr/bin/prometheus");
  static final Path CHART = Paths.get("../helm/backfill").toAbsolutePath().normalize();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();
  /** Metric names in PromQL: ours, the JVM's and the process's. */
  static final Pattern METRIC = Pattern.compile("\\b((?:backfill|jvm|process)_[a-zA-Z0-9_]+)");

  @Test
  void prometheusScrapesTheWorkerAndTheChartQueriesOnlyWhatItExports(@TempDir Path dir) throws Exception {
    assertThat(PROMETHEUS).as("Debian's prometheus package is not installed (scripts/test.sh installs it: apt-get"
        + " install prometheus); this test needs a real Prometheus").isExecutable();
    FleetFixture fx = FleetFixture.elasticsearch();
    FleetFixture.write(fx.source, FleetFixture.timed(1500, 6));
    fx.publish("mon", 500, null);
    // a long settle delay keeps the worker (and its /metrics) up after the copy, for the scrapes to see it whole
    WorkerSettings settings = new WorkerSettings("w-mon", 2, 250, 5, null, null, null, Duration.ofSeconds(1),
        Duration.ofSeconds(40), WorkerSettings.AUTO);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Process prometheus = null;
    try (CoordinatorConnection c = fx.connect()) {
      FleetWorker worker = new FleetWorker(c, "mon", settings).withMetricsPort(0);
      Future<FleetWorker.Result> run = pool.submit(worker::run);
      await("the worker serves /metrics").atMost(Duration.ofSeconds(60)).until(() -> worker.metricsPort() > 0);
      int metricsPort = worker.metricsPort();

      int webPort = io.backfillfleet.testkit.FreePorts.any();
      Files.writeString(dir.resolve("prometheus.yml"), """
          global: {scrape_interval: 1s, evaluation_interval: 1s}
          scrape_configs:
            - job_name: backfill-worker
              static_configs:
                - targets: ["127.0.0.1:%d"]
                  labels: {namespace: search, pod: backfill-worker-0}
          """.formatted(metricsPort));
      prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
          "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + webPort)
          .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
      String api = "http://127.0.0.1:" + webPort;

      // the fleet's copy counter, as an on-call engineer's query sees it
      String copied = "sum(backfill_docs_copied_total{backfill_job=\"mon\",namespace=\"search\"})";
      await("Prometheus answers " + copied + " = 1500").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
          .until(() -> value(api, copied) == 1500);
      JsonNode answer = query(api, copied);
      System.out.println("PROMETHEUS " + copied + " -> " + answer);
      assertThat(answer.path("data").path("result").get(0).path("value").get(1).asText()).isEqualTo("1500");
      // the job-wide gauges and the labels a dashboard groups by
      await("the job's slices by state").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
          .until(() -> value(api, "max(backfill_job_slices_by_state{backfill_job=\"mon\",state=\"open\"}) >= 0") >= 0);
      JsonNode jvm = query(api, "jvm_memory_used_bytes{area=\"heap\",pod=\"backfill-worker-0\"}");
      assertThat(jvm.path("data").path("result")).isNotEmpty();
      JsonNode engines = query(api, "count by (source_engine, target_engine) (backfill_claims_held)");
      assertThat(engines.path("data").path("result").get(0).path("metric").path("source_engine").asText())
          .isEqualTo("elasticsearch");

      // every metric the shipped dashboard and alert rules query is one this worker exports
      Set<String> exported = exportedNames(MetricsEndpointTest.scrape(metricsPort).body());
      Set<String> dashboard = queried(Files.readString(CHART.resolve("dashboards/backfill.json")));
      Set<String> rules = queried(Files.readString(CHART.resolve("templates/prometheusrule.yaml")));
      assertThat(dashboard).as("metrics the dashboard queries").hasSizeGreaterThan(15);
      assertThat(exported).as("a live /metrics").containsAll(dashboard).containsAll(rules);

      assertThat(run.get(180, TimeUnit.SECONDS)).isEqualTo(FleetWorker.Result.NO_WORK_LEFT);
    } finally {
      if (prometheus != null) {
        prometheus.destroy();
        if (!prometheus.waitFor(20, TimeUnit.SECONDS)) prometheus.destroyForcibly();
      }
      pool.shutdownNow();
    }
  }

  /** Sample names of a scrape (with _count/_sum of summaries) and the family names of its TYPE lines. */
  static Set<String> exportedNames(String body) {
    Set<String> names = new TreeSet<>();
    for (String line : body.split("\n")) {
      if (line.startsWith("# TYPE ")) names.add(line.split(" ")[2]);
      else if (!line.startsWith("#") && !line.isBlank()) names.add(line.replaceAll("[{ ].*", ""));
    }
    return names;
  }

  static Set<String> queried(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(text);
    while (m.find()) names.add(m.group(1));
    names.remove("backfill_job"); // the label, not a metric
    return names;
  }

  static JsonNode query(String api, String promql) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  /** The query's single value, or -1 when Prometheus is not up yet or has no sample. */
  static double value(String api, String promql) {
    try {
      JsonNode result = query(api, promql).path("data").path("result");
      return result.isEmpty() ? -1 : Double.parseDouble(result.get(0).path("value").get(1).asText());
    } catch (IOException | InterruptedException | RuntimeException notYet) {
      return -1;
    }
  }
}

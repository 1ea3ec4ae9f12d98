package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
  private static final Map<String, String> LABELS = Map.of("backfill_job", "j1", "source_engine", "solr",
      "target_engine", "elasticsearch");

  @Test
  void servesTheWorkerMetricsDescribedLabelledAndWithTheJvms() throws Exception {
    WorkerMetrics m = new WorkerMetrics();
    m.docsRead.mark(1500);
    m.docsCreated.mark(1400);
    m.slicesDone.inc();
    m.claimsHeld.set(2);
    m.jobFailed.set(3);
    m.writeLatency.update(java.time.Duration.ofMillis(40));
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(0, m.registry(), MetricHelp.of(WorkerMetrics.HELP), LABELS)) {
      HttpResponse<String> r = scrape(endpoint.port());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      String labels = "backfill_job=\"j1\",source_engine=\"solr\",target_engine=\"elasticsearch\"";
      assertThat(r.body())
          .contains("# HELP backfill_docs_read_total Documents this worker read from the source.\n")
          .contains("# TYPE backfill_docs_read_total counter\n")
          .contains("backfill_docs_read_total{" + labels + "} 1500.0\n")
          .contains("backfill_docs_copied_total{" + labels + "} 1400.0\n")
          .contains("backfill_slices_done_total{" + labels + "} 1.0\n")
          .contains("# TYPE backfill_claims_held gauge\n")
          .contains("backfill_claims_held{" + labels + "} 2.0\n")
          .contains("# TYPE backfill_job_slices_by_state gauge\n")
          .contains("backfill_job_slices_by_state{backfill_job=\"j1\",source_engine=\"solr\",state=\"failed\",target_engine=\"elasticsearch\"} 3.0\n")
          .contains("# TYPE backfill_write_latency_seconds summary\n")
          .contains("backfill_write_latency_seconds_count{" + labels + "} 1\n")
          .containsPattern("backfill_write_latency_seconds\\{" + labels + ",quantile=\"0.5\"\\} 0\\.04")
          // the JVM's, so a frozen holder (GC) or a pod near its memory limit (heap) shows
          .contains("# TYPE jvm_gc_collection_seconds summary")
          .contains("jvm_memory_used_bytes{area=\"heap\"}")
          .contains("jvm_threads_current")
          .doesNotContain(MetricHelp.UNDOCUMENTED);
      // every backfill family has its HELP and TYPE
      r.body().lines().filter(l -> l.startsWith("backfill_")).map(l -> l.replaceAll("[{ ].*", "")
          .replaceAll("_(count|sum)$", "")).distinct().forEach(name -> assertThat(r.body())
          .contains("# HELP " + name + " ").contains("# TYPE " + name + " "));
    }
  }

  @Test
  void dynamicNamesUnderAPatternBecomeOneFamilyWithALabel() throws Exception {
    MetricRegistry registry = new MetricRegistry();
    registry.counter("readcheck.mismatches").inc(3);
    registry.counter("readcheck.mismatches.hits").inc(2);
    registry.counter("readcheck.mismatches.fields").inc();
    registry.counter("something.new").inc();
    MetricHelp help = MetricHelp.of(Map.of("readcheck.mismatches", "All.", "readcheck.mismatches.{kind}", "By kind."));
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(0, registry, help, Map.of("backfill_job", "j"))) {
      String body = scrape(endpoint.port()).body();
      assertThat(body)
          .contains("backfill_readcheck_mismatches_total{backfill_job=\"j\"} 3.0\n")
          .contains("# HELP backfill_readcheck_mismatches_by_kind_total By kind.\n")
          .contains("backfill_readcheck_mismatches_by_kind_total{backfill_job=\"j\",kind=\"fields\"} 1.0\n")
          .contains("backfill_readcheck_mismatches_by_kind_total{backfill_job=\"j\",kind=\"hits\"} 2.0\n")
          // a name nobody described is exported, and its HELP says so (MetricsDocumentedTest fails on it)
          .contains("# HELP backfill_something_new_total " + MetricHelp.UNDOCUMENTED);
    }
  }

  static HttpResponse<String> scrape(int port) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}

package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class PrometheusEndpointTest {

  @Test
  void servesTheWorkerMetricsInPrometheusTextFormat() throws Exception {
    WorkerMetrics m = new WorkerMetrics();
    m.docsRead.mark(1500);
    m.docsCreated.mark(1400);
    m.slicesDone.inc();
    m.claimsHeld.set(2);
    m.writeLatency.update(java.time.Duration.ofMillis(40));
    try (PrometheusEndpoint endpoint = new PrometheusEndpoint(m.registry(), 0)) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      assertThat(r.body())
          .contains("# TYPE backfill_docs_read_total counter\nbackfill_docs_read_total 1500\n")
          .contains("backfill_docs_created_total 1400\n")
          .contains("backfill_slices_done_total 1\n")
          .contains("backfill_claims_held 2\n")
          .contains("backfill_write_latency_seconds_count 1\n")
          .containsPattern("backfill_write_latency_seconds\\{quantile=\"0.5\"\\} 0\\.04");
    }
  }
}

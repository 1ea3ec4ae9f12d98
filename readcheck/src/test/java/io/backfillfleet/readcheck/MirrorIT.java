package io.backfillfleet.readcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.StoreConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The mirror on real Elasticsearch clusters: callers get legacy's exact bytes, reads are compared in the
 * background, writes are not mirrored, and a slow new cluster neither delays callers nor grows the queue without
 * end. Prints callers' p50/p99 with and without the mirror, measured side by side.
 */
class MirrorIT {
  private static final List<Doc> HISTORY = Clusters.history();
  private static StoreConfig legacy;
  private static StoreConfig fresh;

  @BeforeAll
  static void seed() {
    legacy = Clusters.es("mirror-legacy");
    fresh = Clusters.es("mirror-new");
    Clusters.seed(legacy, HISTORY);
    Clusters.seed(fresh, HISTORY);
    Clusters.send("POST", fresh.endpoints().get(0) + "/" + fresh.collection() + "/_update/tiny-0?refresh=true",
        "{\"doc\":{\"title\":\"changed in new\"}}");
  }

  private static List<HttpRequest> reads(String base, String index) {
    List<HttpRequest> out = new ArrayList<>();
    for (String t : Clusters.TENANTS.keySet()) {
      String q = "{\"query\":{\"term\":{\"tenant\":\"" + t + "\"}}}";
      out.add(post(base + "/" + index + "/_count", q));
      out.add(post(base + "/" + index + "/_search", "{\"size\":5,\"sort\":[{\"ts\":\"desc\"},{\"id\":\"desc\"}],"
          + "\"query\":{\"term\":{\"tenant\":\"" + t + "\"}}}"));
      out.add(HttpRequest.newBuilder(URI.create(base + "/" + index + "/_doc/" + t + "-0")).GET().build());
    }
    out.add(HttpRequest.newBuilder(URI.create(base + "/" + index + "/_search?q=tenant:mid&size=3&sort=id:asc")).GET().build());
    return out;
  }

  private static HttpRequest post(String url, String json) {
    return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
  }

  private static HttpResponse<byte[]> call(HttpRequest r) throws Exception {
    return Clusters.HTTP.send(r, HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void callersGetLegacysExactBytesAndReadsAreComparedInTheBackground() throws Exception {
    String esUrl = legacy.endpoints().get(0);
    MetricRegistry metrics = new MetricRegistry();
    try (DelayingProxy recorder = new DelayingProxy(esUrl, 0);
         DelayingProxy toNew = new DelayingProxy(fresh.endpoints().get(0), 0);
         // no re-asks here: they would go through the recorder too, between the callers' own requests
         ReadCheckSession s = Clusters.open(legacy, fresh, new ReadCheckSettings(List.of(), false,
             Duration.ZERO, new ReadinessGate(0, 1000), recorder.url(), toNew.url()), metrics);
         MirrorProxy mirror = s.mirror(new MirrorProxy.Settings(0, 1.0, 1000, 4, 16))) {
      String via = "http://127.0.0.1:" + mirror.port();
      List<HttpRequest> reads = reads(via, legacy.collection());
      for (int i = 0; i < reads.size(); i++) {
        HttpResponse<byte[]> got = call(reads.get(i));
        assertThat(got.statusCode()).isIn(200);
        assertThat(got.body()).as("answer %d: legacy's bytes", i).isEqualTo(recorder.answered.get(i));
        assertThat(got.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
      }
      // a write passes to legacy and is never mirrored
      HttpResponse<byte[]> created = call(HttpRequest.newBuilder(URI.create(via + "/" + legacy.collection()
          + "/_doc/written-1?refresh=true")).header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString("{\"id\":\"written-1\",\"tenant\":\"zz\"}")).build());
      assertThat(created.statusCode()).isEqualTo(201);
      await().atMost(Duration.ofSeconds(60)).until(() -> s.report().requests() == reads.size());
      s.drain();
      ReadCheckReport r = s.report();
      assertThat(toNew.asked).noneMatch(a -> a.contains("written-1")).hasSize(reads.size());
      assertThat(recorder.asked).hasSize(reads.size() + 1); // the reads and the write, nothing else
      // tiny-0's title differs: its GET and the searches listing it are flagged, nothing else
      assertThat(r.mismatches()).isEqualTo(2);
      assertThat(r.worst()).allSatisfy(e -> assertThat(e.differences()).allMatch(d -> d.startsWith("FIELDS:")
          && d.contains("tiny-0")));
      // what Prometheus scrapes on --metrics-port (MetricsEndpoint serves this registry)
      assertThat(metrics.counter("readcheck.compared").getCount()).isEqualTo(reads.size());
      assertThat(metrics.counter("readcheck.mismatches").getCount()).isEqualTo(2);
      assertThat(metrics.counter("readcheck.mismatches.fields").getCount()).isEqualTo(2);
      assertThat(metrics.counter("mirror.mirrored").getCount()).isEqualTo(reads.size());
      assertThat(metrics.timer("readcheck.new.latency").getCount()).isEqualTo(reads.size());
      assertThat(r.shapes()).anySatisfy(v -> {
        assertThat(v.shape()).isEqualTo("GET /{collection}/_doc/{id}");
        assertThat(v.mismatches()).isEqualTo(1);
      });
      assertThat(Clusters.HTTP.send(HttpRequest.newBuilder(URI.create(fresh.endpoints().get(0) + "/" + fresh.collection()
          + "/_doc/written-1")).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);

    }
  }

  @Test
  void callersLatencyWithAndWithoutTheMirrorSideBySide() throws Exception {
    String esUrl = legacy.endpoints().get(0);
    try (ReadCheckSession s = Clusters.open(legacy, fresh, Clusters.settings(0, 1000, null));
         MirrorProxy mirror = s.mirror(new MirrorProxy.Settings(0, 1.0, 1000, 4, 16))) {
      String via = "http://127.0.0.1:" + mirror.port();
      // printed, not asserted: speed belongs to benchmarks; this shows the order of magnitude in every CI log
      Histogram direct = new Histogram(60_000_000L, 3);
      Histogram mirrored = new Histogram(60_000_000L, 3);
      List<HttpRequest> directReads = reads(esUrl, legacy.collection());
      List<HttpRequest> viaReads = reads(via, legacy.collection());
      for (int round = 0; round < 20; round++) {
        for (int i = 0; i < directReads.size(); i++) {
          long t0 = System.nanoTime();
          call(directReads.get(i));
          direct.recordValue((System.nanoTime() - t0) / 1000);
          t0 = System.nanoTime();
          call(viaReads.get(i));
          mirrored.recordValue((System.nanoTime() - t0) / 1000);
        }
      }
      System.out.printf("caller latency over %d reads each: direct p50 %.2f ms p99 %.2f ms; via the mirror p50 %.2f ms"
          + " p99 %.2f ms (p99 %+.2f ms)%n", direct.getTotalCount(), direct.getValueAtPercentile(50) / 1000.0,
          direct.getValueAtPercentile(99) / 1000.0, mirrored.getValueAtPercentile(50) / 1000.0,
          mirrored.getValueAtPercentile(99) / 1000.0,
          (mirrored.getValueAtPercentile(99) - direct.getValueAtPercentile(99)) / 1000.0);
      await().atMost(Duration.ofSeconds(60)).until(() -> s.report().requests() == viaReads.size() * 20L);
    }
  }

  @Test
  void aSlowNewClusterNeitherDelaysCallersNorQueuesWithoutEnd() throws Exception {
    long delay = 3000;
    try (DelayingProxy toNew = new DelayingProxy(fresh.endpoints().get(0), delay);
         ReadCheckSession s = Clusters.open(legacy, fresh, new ReadCheckSettings(List.of(), false, Duration.ZERO,
             new ReadinessGate(0, 2), null, toNew.url()));
         MirrorProxy mirror = s.mirror(new MirrorProxy.Settings(0, 1.0, 2, 1, 16))) {
      List<HttpRequest> reads = reads("http://127.0.0.1:" + mirror.port(), legacy.collection());
      long slowest = 0;
      for (HttpRequest r : reads) {
        long t0 = System.nanoTime();
        assertThat(call(r).statusCode()).isEqualTo(200);
        slowest = Math.max(slowest, (System.nanoTime() - t0) / 1_000_000);
      }
      // the new cluster answers after 3 s; a caller that waited for it would take longer than that
      assertThat(slowest).isLessThan(delay);
      // one read at the new cluster, two waiting: the rest are dropped, counted, not queued (a read is offered to
      // the comparison after its caller has the answer, so the last one may land a moment after the loop)
      await("the reads beyond the queue counted as dropped").atMost(Duration.ofSeconds(10))
          .until(() -> s.report().dropped() >= reads.size() - 3L - s.report().requests());
      assertThat(s.report().dropped()).isPositive();
      toNew.delay(0);
      await().atMost(Duration.ofSeconds(60)).until(() -> s.report().requests() + s.report().dropped() == reads.size());
      ReadCheckReport r = s.report();
      assertThat(r.candidate().latency().max()).isGreaterThanOrEqualTo(delay);
      assertThat(r.gate().ready()).isFalse();
      System.out.printf("slow new cluster: slowest caller %d ms while the new cluster took %d ms; %d of %d reads dropped%n",
          slowest, delay, r.dropped(), reads.size());
    }
  }
}

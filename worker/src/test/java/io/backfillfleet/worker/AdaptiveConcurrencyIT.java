package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.sun.net.httpserver.HttpServer;
import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobControlStore;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.Stores;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * How many slices workers copy at once, on real clusters: a target answering 429 gets fewer slices in flight (not
 * more retries) and more again once it recovers; a job-wide cap in the control node holds across workers.
 */
class AdaptiveConcurrencyIT {

  @Test
  void aTargetAnsweringBusyGetsFewerSlicesInFlightAndTheCopyStillCompletes() throws Exception {
    FleetFixture plain = FleetFixture.elasticsearch();
    AtomicBoolean busy = new AtomicBoolean(true);
    AtomicInteger refused = new AtomicInteger();
    HttpServer proxy = busyProxy(plain.target.endpoints().get(0), busy, refused);
    try {
      StoreConfig viaProxy = StoreConfig.elasticsearch("http://127.0.0.1:" + proxy.getAddress().getPort(),
          plain.target.collection());
      FleetFixture fx = new FleetFixture(plain.source, viaProxy);
      FleetFixture.write(fx.source, FleetFixture.timed(2400, 6));
      fx.publish("busy", 100, null);
      WorkerSettings adaptive = new WorkerSettings("w", 8, 100, 5, null, null, null, null, Duration.ofMillis(200),
          WorkerSettings.AUTO).withAdaptiveConcurrency(true);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try (CoordinatorConnection c = fx.connect()) {
        FleetWorker worker = new FleetWorker(c, "busy", adaptive);
        Future<FleetWorker.Result> run = pool.submit(worker::run);
        Awaitility.await("the worker copies at most 2 slices at once while the target refuses half its bulks")
            .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
            .until(() -> gauge(worker, "slices.limit") != null && gauge(worker, "slices.limit") <= 2);
        busy.set(false);
        Awaitility.await("back to more slices at once when the target answers again").atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(20)).until(() -> run.isDone() || gauge(worker, "slices.limit") >= 4);
        assertThat(run.get(180, TimeUnit.SECONDS)).isEqualTo(FleetWorker.Result.NO_WORK_LEFT);
        assertThat(refused.get()).isPositive();
      } finally {
        pool.shutdownNow();
      }
      try (SearchStore target = Stores.open("target", plain.target)) {
        target.makeVisible();
        assertThat(target.totalDocs()).isEqualTo(2400);
      }
    } finally {
      proxy.stop(0);
    }
  }

  @Test
  void aJobWideCapOnSlicesInFlightHoldsAcrossWorkers() throws Exception {
    FleetFixture fx = FleetFixture.elasticsearch();
    FleetFixture.write(fx.source, FleetFixture.timed(2000, 6));
    fx.publish("capped", 100, null);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (CoordinatorConnection a = fx.connect(); CoordinatorConnection b = fx.connect()) {
      JobControlStore control = new JobControlStore(a);
      // paused until both workers see the cap and each other, so the first claims are already capped
      control.update("capped", c -> c.withPaused(true, "test", Instant.now()).withMaxSlicesInFlight(2, "test",
          Instant.now()));
      List<FleetWorker> workers = List.of(
          new FleetWorker(a, "capped", new WorkerSettings("wa", 4, 100, 5, null, null, null, null, Duration.ofMillis(200),
              WorkerSettings.AUTO)),
          new FleetWorker(b, "capped", new WorkerSettings("wb", 4, 100, 5, null, null, null, null, Duration.ofMillis(200),
              WorkerSettings.AUTO)));
      List<Future<FleetWorker.Result>> runs = workers.stream().map(w -> pool.submit(w::run)).toList();
      Awaitility.await("each worker's share is 1 of the 2").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> workers.stream().allMatch(w -> Integer.valueOf(1).equals(gauge(w, "slices.limit"))));
      AtomicInteger most = new AtomicInteger();
      AtomicBoolean sampling = new AtomicBoolean(true);
      Future<?> sampler = pool.submit(() -> {
        while (sampling.get()) {
          int copying = workers.stream().mapToInt(w -> gauge(w, "slices.copying")).sum();
          most.accumulateAndGet(copying, Math::max);
          Thread.onSpinWait();
        }
      });
      control.update("capped", c -> c.withPaused(false, "test", Instant.now()));
      for (Future<FleetWorker.Result> r : runs) assertThat(r.get(180, TimeUnit.SECONDS)).isEqualTo(FleetWorker.Result.NO_WORK_LEFT);
      sampling.set(false);
      sampler.get(10, TimeUnit.SECONDS);
      assertThat(most.get()).as("slices copying at once, both workers together").isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
    try (SearchStore target = Stores.open("target", fx.target)) {
      target.makeVisible();
      assertThat(target.totalDocs()).isEqualTo(2000);
    }
  }

  private static Integer gauge(FleetWorker w, String name) {
    Gauge<?> g = w.metrics().registry().getGauges().get(name);
    return g == null ? null : ((Number) g.getValue()).intValue();
  }

  /** Forwards to Elasticsearch, answering every other bulk request with 429 while {@code busy}. */
  private static HttpServer busyProxy(String upstream, AtomicBoolean busy, AtomicInteger refused) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    AtomicInteger bulks = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", ex -> {
      try (InputStream in = ex.getRequestBody(); OutputStream out = ex.getResponseBody()) {
        byte[] body = in.readAllBytes();
        boolean bulk = ex.getRequestURI().getPath().endsWith("/_bulk");
        if (bulk && busy.get() && bulks.getAndIncrement() % 2 == 0) {
          refused.incrementAndGet();
          byte[] no = "{\"error\":{\"type\":\"es_rejected_execution_exception\",\"reason\":\"busy\"},\"status\":429}"
              .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(429, no.length);
          out.write(no);
          return;
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(upstream + ex.getRequestURI()))
            .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type != null) req.header("Content-Type", type);
        HttpResponse<byte[]> r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        r.headers().firstValue("Content-Type").ifPresent(t -> ex.getResponseHeaders().add("Content-Type", t));
        byte[] answer = r.body();
        ex.sendResponseHeaders(r.statusCode(), answer.length == 0 ? -1 : answer.length);
        out.write(answer);
      } catch (Exception e) {
        ex.sendResponseHeaders(502, -1);
      }
    });
    server.start();
    return server;
  }
}

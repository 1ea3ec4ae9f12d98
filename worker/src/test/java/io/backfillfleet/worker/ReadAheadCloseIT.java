package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.StoreConfigException;
import io.backfillfleet.store.Stores;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a worker leaves behind on Elasticsearch when a copy ends early, and what it checks before it starts. */
class ReadAheadCloseIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TimeWindow ALL = TimeWindow.of(FleetFixture.T0, FleetFixture.T0.plusSeconds(86_400L * 6));

  /**
   * A slice that stops (fenced, failed, SIGTERM) while its next page is being read: the read ends before the reader
   * closes, so no point-in-time is opened after the reader closed its own (it would hold the index's segments for
   * its keep-alive, one per abandoned slice).
   */
  @Test
  void aReadInFlightWhenTheCopyStopsLeavesNoPointInTimeOpen() throws Exception {
    FleetFixture fx = FleetFixture.elasticsearch();
    FleetFixture.write(fx.source, FleetFixture.timed(500, 5));
    ExecutorService threads = Executors.newSingleThreadExecutor();
    CountDownLatch closing = new CountDownLatch(1);
    AtomicInteger reads = new AtomicInteger();
    try (SearchStore source = Stores.open("source", fx.source)) {
      WindowReader real = source.reader("tenant-0", ALL, Cursor.START);
      WindowReader slowSecondRead = new WindowReader() {
        @Override
        public Page readPage(int pageSize) {
          if (reads.incrementAndGet() == 2) {
            try {
              closing.await(2, TimeUnit.SECONDS); // a slow page: still being read when the copy stops
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return real.readPage(pageSize);
        }

        @Override
        public void close() {
          real.close();
        }
      };
      PageReadAhead pages = new PageReadAhead(slowSecondRead, 100, threads, new PageMemoryBudget(64 << 20),
          new WorkerMetrics());
      pages.take().release();
      assertThat(openContexts(fx.source)).as("the reader's point-in-time is open").isPositive();
      await().atMost(Duration.ofSeconds(10)).until(() -> reads.get() == 2); // the next page is being read
      pages.close(); // as SliceCopier's try-with-resources does: the read-ahead first, then the reader
      slowSecondRead.close();
      closing.countDown();
      await("no point-in-time left open").atMost(Duration.ofSeconds(10)).until(() -> openContexts(fx.source) == 0);
      assertThatThrownBy(() -> real.readPage(100)).isInstanceOf(IllegalStateException.class);
      assertThat(openContexts(fx.source)).isZero();
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * A slice whose last page is written waits out its settle delay before its last re-check and completion; its reader
   * is closed first, so no point-in-time is held through that wait (a worker has four settling slots per copy slot).
   */
  @Test
  void aSettlingSliceHoldsNoPointInTime() throws Exception {
    FleetFixture fx = FleetFixture.elasticsearch();
    FleetFixture.write(fx.source, FleetFixture.timed(300, 5));
    fx.publish("settling", 1_000_000, null);
    try (CoordinatorConnection c = fx.connect()) {
      FleetWorker w = new FleetWorker(c, "settling",
          WorkerSettings.defaults("w").withPageSize(100).withSettleDelay(Duration.ofSeconds(20)));
      CompletableFuture<FleetWorker.Result> run = FleetFixture.runAsync(w);
      await("every page written").atMost(Duration.ofSeconds(60)).until(() -> fx.count(fx.target, "tenant-0", ALL) == 300);
      await("the reader's point-in-time closed").atMost(Duration.ofSeconds(8)).until(() -> openContexts(fx.source) == 0);
      assertThat(run).as("the slice is still settling").isNotDone();
      assertThat(run.get(90, TimeUnit.SECONDS)).isEqualTo(FleetWorker.Result.NO_WORK_LEFT);
    }
  }

  /** The resurrection guard deletes: a target that refuses deletes stops the worker before it copies anything. */
  @Test
  void aWorkerDoesNotStartOnATargetThatRefusesDeletes() throws Exception {
    FleetFixture fx = FleetFixture.elasticsearch();
    FleetFixture.write(fx.source, FleetFixture.timed(200, 5));
    fx.publish("blocked", 1_000_000, null);
    send("PUT", fx.target.endpoints().get(0) + "/" + fx.target.collection() + "/_settings", "{\"index.blocks.write\":true}");
    try (CoordinatorConnection c = fx.connect()) {
      assertThatThrownBy(() -> new FleetWorker(c, "blocked", WorkerSettings.defaults("w")).run())
          .isInstanceOf(StoreConfigException.class).hasMessageContaining("refuses deletes")
          .hasMessageContaining(fx.target.collection());
    } finally {
      send("PUT", fx.target.endpoints().get(0) + "/" + fx.target.collection() + "/_settings", "{\"index.blocks.write\":false}");
    }
    assertThat(fx.count(fx.target, "tenant-0", ALL)).as("nothing copied").isZero();
  }

  /** Search contexts open on the index (a point-in-time holds one per shard). */
  private static long openContexts(StoreConfig index) throws Exception {
    String body = send("GET", index.endpoints().get(0) + "/" + index.collection() + "/_stats/search", null);
    return JSON.readTree(body).path("indices").path(index.collection()).path("total").path("search")
        .path("open_contexts").asLong();
  }

  private static String send(String method, String url, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) throw new IllegalStateException(method + " " + url + ": " + r.body());
    return r.body();
  }
}

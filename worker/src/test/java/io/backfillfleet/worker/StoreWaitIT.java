package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.StoreUnavailableException;
import io.backfillfleet.store.Stores;
import io.backfillfleet.testkit.FreePorts;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A worker started while its target does not answer yet (a cluster restarting while on-call scales the Job up)
 * waits for it within {@code --wait-for-clusters} instead of exiting after its store's few quick tries, and then
 * copies everything; past that patience it exits with the store's error as before.
 */
class StoreWaitIT {

  /** A job from a seeded source index into an existing target index reached through {@code port}. */
  private static FleetFixture jobThroughPort(String job, int port) {
    String name = "w" + UUID.randomUUID().toString().substring(0, 8);
    StoreConfig source = FleetFixture.esIndex(name + "-src");
    FleetFixture.esIndex(name + "-dst"); // created on the real node
    FleetFixture fx = new FleetFixture(source, StoreConfig.elasticsearch("http://127.0.0.1:" + port, name + "-dst"));
    FleetFixture.write(source, FleetFixture.timed(300, 3));
    fx.publish(job, 100, null);
    return fx;
  }

  @Test
  void aWorkerStartedWhileItsTargetRefusesConnectionsWaitsThenCopiesEverything() throws Exception {
    int port = FreePorts.any(); // nothing listens there: every connection is refused
    FleetFixture fx = jobThroughPort("late", port);
    URI es = URI.create(fx.source.endpoints().get(0)); // the real node, which holds both indices
    try (CoordinatorConnection c = fx.connect(); LateForwarder target = new LateForwarder(port, es.getHost(), es.getPort())) {
      FleetWorker worker = new FleetWorker(c, "late", WorkerSettings.defaults("w").withSettleDelay(Duration.ofMillis(100)))
          .withStoreWait(Duration.ofMinutes(3));
      CompletableFuture<FleetWorker.Result> run = FleetFixture.runAsync(worker);
      // the store's own tries (6 by default, about 3 s of backoff against a refused port) ran out long before
      // this: still waiting
      Awaitility.await("the worker waits for its target instead of exiting").during(Duration.ofSeconds(8))
          .atMost(Duration.ofSeconds(10)).until(() -> !run.isDone());
      target.open();
      assertThat(run.get(3, java.util.concurrent.TimeUnit.MINUTES)).isEqualTo(FleetWorker.Result.NO_WORK_LEFT);
      assertThat(new JobStatusReader(c).read("late").slices().values()).allMatch(w -> w.state().name().equals("DONE"));
      try (SearchStore t = Stores.open("target", fx.target)) {
        t.makeVisible();
        assertThat(t.totalDocs()).isEqualTo(300);
      }
    }
  }

  @Test
  void pastItsPatienceTheWorkerExitsWithTheStoresErrorAndClaimsNothing() throws Exception {
    int port = FreePorts.any();
    FleetFixture fx = jobThroughPort("never", port);
    try (CoordinatorConnection c = fx.connect()) {
      FleetWorker worker = new FleetWorker(c, "never", WorkerSettings.defaults("w")).withStoreWait(Duration.ofSeconds(3));
      long t0 = System.nanoTime();
      assertThatThrownBy(worker::run).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("127.0.0.1:" + port).hasMessageContaining("did not answer");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("waited its patience, then gave up")
          .isBetween(Duration.ofSeconds(3), Duration.ofSeconds(60));
      assertThat(new JobStatusReader(c).read("never").slices().values()).allMatch(w -> w.state().name().equals("PENDING"));
    }
  }
}

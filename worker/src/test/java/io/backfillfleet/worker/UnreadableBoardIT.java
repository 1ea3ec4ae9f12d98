package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backfillfleet.coordinator.CoordinationException;
import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobRepository;
import io.backfillfleet.coordinator.JobSpec;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.NodeCodec;
import io.backfillfleet.coordinator.OldLayoutException;
import io.backfillfleet.planner.Plan;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * "Done" is never concluded from a view that could not be read: a worker exits 0 only when the job's own accounting
 * says no slice is open. A slice that is open but whose work node cannot be read, or a job in a layout this version
 * does not read, makes the worker fail with a message that says what to do.
 */
class UnreadableBoardIT {

  @Test
  void aWorkerFacingAnOpenSliceItCannotReadCopiesTheRestThenFailsInsteadOfFinishing() throws Exception {
    FleetFixture fx = FleetFixture.solr();
    FleetFixture.write(fx.source, FleetFixture.timed(400, 4));
    Plan plan = fx.publish("partial", 100, null);
    assertThat(plan.slices().size()).isGreaterThanOrEqualTo(2);
    try (CoordinatorConnection c = fx.connect()) {
      String hidden = new JobStatusReader(c).read("partial").slices().keySet().iterator().next();
      c.curator().delete().forPath(new JobRepository(c).slicePath("partial", hidden)); // its open marker stays
      FleetWorker worker = new FleetWorker(c, "partial", WorkerSettings.defaults("w")
          .withSettleDelay(Duration.ofMillis(100)));
      assertThatThrownBy(worker::run).isInstanceOf(CoordinationException.class)
          .hasMessageContaining("1 slices of job partial are open but their work nodes cannot be read")
          .hasMessageContaining(hidden).hasMessageContaining("backfill reset");
      assertThat(new JobStatusReader(c).read("partial").slices().values())
          .as("every readable slice was copied first").allMatch(w -> w.state().name().equals("DONE"));
    }
  }

  @Test
  void aJobOfTheOldLayoutIsRefusedWithWhatToDoNeverReadAsEmpty() throws Exception {
    FleetFixture fx = FleetFixture.solr();
    try (CoordinatorConnection c = fx.connect()) {
      // what the previous version wrote: a READY job node without a layout, its slices in one listing
      JobSpec old = new JobSpec(1, "legacy", JobSpec.PublishState.READY, "p1", 40_000, 80_000, 5, null, null, null,
          Instant.now());
      c.curator().create().creatingParentsIfNeeded().forPath(c.layout("legacy").jobPath(), NodeCodec.encode(old));
      c.curator().create().forPath(c.layout("legacy").slicesPath());
      FleetWorker worker = new FleetWorker(c, "legacy", WorkerSettings.defaults("w"));
      assertThatThrownBy(worker::run).isInstanceOf(OldLayoutException.class)
          .hasMessageContaining("published by an older backfill-fleet")
          .hasMessageContaining("backfill delete-job --job legacy");
    }
  }
}

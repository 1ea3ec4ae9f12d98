package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backfillfleet.coordinator.CoordinationException;
import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.planner.Plan;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * "Done" is never concluded from a view that lacks slices: a worker whose view of the job holds fewer slices than
 * the job node counts (here one work node is hidden from it by deleting it; in production a slice listing over
 * ZooKeeper's packet limit fails the same way) does not exit as if no work were left.
 */
class IncompleteViewIT {

  @Test
  void aWorkerMissingSlicesOfItsJobFailsInsteadOfFinishing() throws Exception {
    FleetFixture fx = FleetFixture.solr();
    FleetFixture.write(fx.source, FleetFixture.timed(400, 4));
    Plan plan = fx.publish("partial", 100, null);
    assertThat(plan.slices().size()).isGreaterThanOrEqualTo(2);
    try (CoordinatorConnection c = fx.connect()) {
      String hidden = new JobStatusReader(c).read("partial").slices().keySet().iterator().next();
      c.curator().delete().forPath(c.layout("partial").slicePath(hidden));
      FleetWorker worker = new FleetWorker(c, "partial", WorkerSettings.defaults("w")
          .withSettleDelay(Duration.ofMillis(100))).withIncompleteViewGrace(Duration.ofSeconds(2));
      assertThatThrownBy(worker::run).isInstanceOf(CoordinationException.class)
          .hasMessageContaining("has " + plan.slices().size() + " slices")
          .hasMessageContaining("only " + (plan.slices().size() - 1)).hasMessageContaining("jute.maxbuffer");
    }
  }
}

package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.backfillfleet.testkit.ZooKeeperServers;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;

/** Work on a 3-member ensemble goes on with one member down, stops cleanly without quorum, and resumes. */
class EnsembleFailureIT {

  private final Map<String, Integer> completions = new HashMap<>();

  private int work(SliceBoard board, int max) {
    int n = 0;
    while (n < max) {
      Optional<SliceClaim> claim = board.claimNext("w1");
      if (claim.isEmpty()) break;
      claim.get().checkpoint(ZkFixture.checkpoint("half", 50));
      claim.get().complete(ZkFixture.checkpoint("end", 100));
      completions.merge(claim.get().sliceId(), 1, Integer::sum);
      n++;
    }
    return n;
  }

  @Test
  void survivesOneMemberFailsClearlyWithoutQuorumAndResumesAfterRestart() throws Exception {
    try (TestingCluster ensemble = ZooKeeperServers.ensemble(3)) {
      ZkSettings settings = new ZkSettings(ensemble.getConnectString(), "/ensemble", Duration.ofSeconds(30),
          Duration.ofSeconds(10), Optional.empty());
      try (CoordinatorConnection c = ZkFixture.connect(settings)) {
        new JobRepository(c).publish(ZkFixture.spec("quorum", "p1"), ZkFixture.slices(60));
        try (SliceBoard board = new SliceBoard(c, "quorum").start(Duration.ofSeconds(20))) {
          assertThat(work(board, 20)).isEqualTo(20);

          InstanceSpec first = ensemble.findConnectionInstance(c.curator().getZookeeperClient().getZooKeeper());
          assertThat(ensemble.killServer(first)).isTrue();
          assertThat(work(board, 20)).as("one member down: work goes on").isEqualTo(20);

          SliceClaim held = board.claimNext("w1").orElseThrow();
          InstanceSpec second = ensemble.getInstances().stream().filter(s -> !s.equals(first)).findFirst().orElseThrow();
          assertThat(ensemble.killServer(second)).isTrue();
          assertThatThrownBy(() -> new JobControlStore(c).update("quorum",
                  ctl -> ctl.withPaused(true, "test", java.time.Instant.now())))
              .isInstanceOf(CoordinatorUnavailableException.class)
              .hasMessageContaining(ensemble.getConnectString())
              .hasMessageContaining("majority of the ensemble");

          ZooKeeperServers.restart(ensemble, first);
          ZooKeeperServers.restart(ensemble, second);
          await().atMost(Duration.ofSeconds(60)).until(() -> c.gate().isConnected());

          // the held claim either survived with the session, or was fenced and is re-claimable: never lost
          try {
            held.complete(ZkFixture.checkpoint("end", 100));
            completions.merge(held.sliceId(), 1, Integer::sum);
          } catch (FencedException fenced) {
            assertThat(fenced.sliceId()).isEqualTo(held.sliceId());
          }
          await().atMost(Duration.ofSeconds(60)).until(() -> {
            work(board, 100);
            return board.isFinished();
          });
        }
        JobStatus status = new JobStatusReader(c).read("quorum");
        assertThat(status.slices().values()).hasSize(60).allSatisfy(w -> assertThat(w.state()).isEqualTo(SliceState.DONE));
        assertThat(completions).hasSize(60).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
      }
    }
  }
}

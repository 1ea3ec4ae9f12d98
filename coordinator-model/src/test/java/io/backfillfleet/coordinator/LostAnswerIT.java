package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backfillfleet.testkit.ZooKeeperServers;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A claim whose ZooKeeper answer is lost on the way back: the server applied it, the client saw a connection loss and
 * Curator sent it again, which then met this worker's own claim node. It must be this worker's claim, not a lost race.
 */
class LostAnswerIT {

  @Test
  void aClaimWhoseAnswerWasLostIsHeldByThisWorkerNotCountedAsALostRace() throws Exception {
    String root = ZkFixture.freshRoot();
    String job = "lostclaim";
    try (AnswerDroppingProxy proxy = new AnswerDroppingProxy(ZooKeeperServers.shared().getConnectString());
         CoordinatorConnection admin = ZkFixture.connect(ZkFixture.sharedServer(root));
         CoordinatorConnection worker = ZkFixture.connect(ZkSettings.of(proxy.connectString(), root)
             .withSessionTimeout(Duration.ofSeconds(20)))) {
      new JobRepository(admin).publish(ZkFixture.spec(job, "p1"), ZkFixture.slices(1));
      try (SliceBoard board = new SliceBoard(worker, job).start(Duration.ofSeconds(10))) {
        await().atMost(Duration.ofSeconds(10)).until(board::isReady);
        proxy.dropNextMultiAnswer();
        Optional<SliceClaim> claim = board.claimNext("w");
        assertThat(proxy.awaitDropped(Duration.ZERO)).as("the claim's answer was really lost").isTrue();
        JobStatus afterClaim = new JobStatusReader(admin).read(job);
        assertThat(afterClaim.claims()).as("the server applied the claim").containsOnlyKeys("s0000");
        assertThat(claim).as("the claim landed for this worker: not a lost race").isPresent();

        SliceClaim held = claim.get();
        assertThat(held.epoch()).isEqualTo(1);
        held.checkpoint(ZkFixture.checkpoint("half", 50), List.of());
        held.complete(ZkFixture.checkpoint("end", 100), List.of());
        JobStatus done = new JobStatusReader(admin).read(job);
        assertThat(done.slices().get("s0000").state()).isEqualTo(SliceState.DONE);
        assertThat(done.slices().get("s0000").epoch()).as("claimed once").isEqualTo(1);
        assertThat(done.claims()).as("no claim left behind").isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(board::isFinished);
      }
    }
  }
}

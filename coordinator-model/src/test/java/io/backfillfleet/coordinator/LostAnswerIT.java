package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
        ClaimOutcome claim = board.claim("w");
        assertThat(proxy.awaitDropped(Duration.ZERO)).as("the claim's answer was really lost").isTrue();
        assertThat(new JobStatusReader(admin).read(job).claims()).as("the server applied the claim")
            .containsOnlyKeys("s0000");
        assertThat(claim).as("the claim landed for this worker: not a lost race")
            .isInstanceOf(ClaimOutcome.Claimed.class);
        copyToTheEnd(admin, job, board, ((ClaimOutcome.Claimed) claim).claim());
      }
    }
  }

  @Test
  void aClaimThatGotNoAnswerAtAllIsLookedUpBeforeTheNextClaim() throws Exception {
    String root = ZkFixture.freshRoot();
    String job = "noanswer";
    try (AnswerDroppingProxy proxy = new AnswerDroppingProxy(ZooKeeperServers.shared().getConnectString());
         CoordinatorConnection admin = ZkFixture.connect(ZkFixture.sharedServer(root));
         // a session that outlives Curator's retries, so the claim survives ZooKeeper not answering for a while
         CoordinatorConnection worker = ZkFixture.connect(new ZkSettings(proxy.connectString(), root,
             Duration.ofSeconds(50), Duration.ofSeconds(1), Optional.empty()))) {
      new JobRepository(admin).publish(ZkFixture.spec(job, "p1"), ZkFixture.slices(1));
      try (SliceBoard board = new SliceBoard(worker, job).start(Duration.ofSeconds(10))) {
        await().atMost(Duration.ofSeconds(10)).until(board::isReady);
        proxy.dropNextMultiAnswerAndStayDown();
        assertThatThrownBy(() -> board.claim("w")).isInstanceOf(CoordinatorUnavailableException.class);
        assertThat(proxy.awaitDropped(Duration.ZERO)).isTrue();
        assertThat(new JobStatusReader(admin).read(job).claims()).as("the server applied the claim")
            .containsOnlyKeys("s0000");
        proxy.comeBack();

        ClaimOutcome claim = board.claim("w");
        assertThat(claim).as("the claim that got no answer is this worker's").isInstanceOf(ClaimOutcome.Claimed.class);
        copyToTheEnd(admin, job, board, ((ClaimOutcome.Claimed) claim).claim());
      }
    }
  }

  @Test
  void aSliceAnotherSessionHoldsIsALostRaceOrNoneFree() throws Exception {
    ZkSettings settings = ZkFixture.sharedServer(ZkFixture.freshRoot());
    try (CoordinatorConnection a = ZkFixture.connect(settings); CoordinatorConnection b = ZkFixture.connect(settings)) {
      new JobRepository(a).publish(ZkFixture.spec("other", "p1"), ZkFixture.slices(1));
      try (SliceBoard boardA = new SliceBoard(a, "other").start(Duration.ofSeconds(10));
           SliceBoard boardB = new SliceBoard(b, "other").start(Duration.ofSeconds(10))) {
        SliceClaim held = FencingIT.awaitClaim(boardA, "wa");
        // whether b's view has seen a's claim yet or not, b never gets the slice
        assertThat(boardB.claim("wb")).isIn(ClaimOutcome.NotClaimed.LOST_RACES, ClaimOutcome.NotClaimed.NONE_FREE);
        held.checkpoint(ZkFixture.checkpoint("c1", 10));
      }
    }
  }

  private static void copyToTheEnd(CoordinatorConnection admin, String job, SliceBoard board, SliceClaim held) {
    assertThat(held.epoch()).isEqualTo(1);
    held.checkpoint(ZkFixture.checkpoint("half", 50));
    held.complete(ZkFixture.checkpoint("end", 100));
    JobStatus done = new JobStatusReader(admin).read(job);
    assertThat(done.slices().get("s0000").state()).isEqualTo(SliceState.DONE);
    assertThat(done.slices().get("s0000").epoch()).as("claimed once").isEqualTo(1);
    assertThat(done.claims()).as("no claim left behind").isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(board::isFinished);
  }
}

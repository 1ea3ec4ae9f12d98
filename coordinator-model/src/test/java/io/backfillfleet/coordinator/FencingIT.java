package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Claims end with the session, and a holder that lost its slice can never write to it again. */
class FencingIT {

  @Test
  void expiredSessionLosesItsClaimAndTheOldHolderIsFenced() throws Exception {
    ZkSettings settings = ZkFixture.sharedServer(ZkFixture.freshRoot());
    try (CoordinatorConnection a = ZkFixture.connect(settings); CoordinatorConnection b = ZkFixture.connect(settings)) {
      new JobRepository(a).publish(ZkFixture.spec("expiry", "p1"), ZkFixture.slices(1));
      try (SliceBoard boardA = new SliceBoard(a, "expiry").start(Duration.ofSeconds(10));
           SliceBoard boardB = new SliceBoard(b, "expiry").start(Duration.ofSeconds(10))) {
        SliceClaim first = boardA.claimNext("worker-a").orElseThrow();
        assertThat(first.epoch()).isEqualTo(1);
        first.checkpoint(ZkFixture.checkpoint("c1", 10));

        a.curator().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();

        AtomicReference<SliceClaim> second = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
          Optional<SliceClaim> c = boardB.claimNext("worker-b");
          c.ifPresent(second::set);
          return c.isPresent();
        });
        assertThat(second.get().epoch()).isEqualTo(2);
        assertThat(second.get().work().cursor()).as("resumes from the saved cursor").isEqualTo("c1");

        assertThatThrownBy(() -> first.checkpoint(ZkFixture.checkpoint("stale", 99)))
            .isInstanceOf(FencedException.class).hasMessageContaining(first.sliceId());
        second.get().checkpoint(ZkFixture.checkpoint("c2", 20));
        WorkNode now = new JobStatusReader(b).read("expiry").slices().get(first.sliceId());
        assertThat(now.owner()).isEqualTo("worker-b");
        assertThat(now.cursor()).isEqualTo("c2");
      }
    }
  }

  @Test
  void aChangedWorkNodeFencesTheHolderEvenWithoutSessionLoss() throws Exception {
    ZkSettings settings = ZkFixture.sharedServer(ZkFixture.freshRoot());
    try (CoordinatorConnection a = ZkFixture.connect(settings)) {
      new JobRepository(a).publish(ZkFixture.spec("changed", "p1"), ZkFixture.slices(1));
      try (SliceBoard board = new SliceBoard(a, "changed").start(Duration.ofSeconds(10))) {
        SliceClaim claim = board.claimNext("worker-a").orElseThrow();
        String path = a.layout("changed").slicePath(claim.bucket(), claim.sliceId());
        // someone else (an operator's release) rewrites the node: the version moves on
        a.curator().setData().forPath(path, a.curator().getData().forPath(path));
        assertThatThrownBy(() -> claim.checkpoint(ZkFixture.checkpoint("x", 1)))
            .isInstanceOf(FencedException.class);
        assertThat(claim.isOpen()).isFalse();
        assertThat(new JobStatusReader(a).read("changed").slices().get(claim.sliceId()).cursor()).isNull();
      }
    }
  }

  @Test
  void aCheckpointWhoseAnswerWasLostIsNotMistakenForFencing() throws Exception {
    ZkSettings settings = ZkFixture.sharedServer(ZkFixture.freshRoot());
    java.time.Clock clock = java.time.Clock.fixed(ZkFixture.T0, java.time.ZoneOffset.UTC);
    try (CoordinatorConnection a = ZkFixture.connect(settings)) {
      new JobRepository(a).publish(ZkFixture.spec("lostack", "p1"), ZkFixture.slices(1));
      try (SliceBoard board = new SliceBoard(a, "lostack", clock).start(Duration.ofSeconds(10))) {
        SliceClaim claim = board.claimNext("worker-a").orElseThrow();
        String path = a.layout("lostack").slicePath(claim.bucket(), claim.sliceId());
        CursorCheckpoint cp = ZkFixture.checkpoint("c1", 10);
        // the first try of this checkpoint was applied, its answer lost; the retry then meets the version it moved
        a.curator().setData().forPath(path, NodeCodec.encode(claim.work().checkpointed(cp, clock.instant())));
        claim.checkpoint(cp);
        assertThat(claim.isOpen()).as("still the holder").isTrue();
        claim.checkpoint(ZkFixture.checkpoint("c2", 20));
        assertThat(new JobStatusReader(a).read("lostack").slices().get(claim.sliceId()).cursor()).isEqualTo("c2");

        // anything else written there in between still fences
        a.curator().setData().forPath(path, a.curator().getData().forPath(path));
        assertThatThrownBy(() -> claim.checkpoint(ZkFixture.checkpoint("c3", 30)))
            .isInstanceOf(FencedException.class);
      }
    }
  }

  @Test
  void failureReturnsTheSliceToPendingUntilAttemptsRunOut() throws Exception {
    ZkSettings settings = ZkFixture.sharedServer(ZkFixture.freshRoot());
    try (CoordinatorConnection a = ZkFixture.connect(settings)) {
      new JobRepository(a).publish(ZkFixture.spec("fails", "p1"), ZkFixture.slices(1));
      try (SliceBoard board = new SliceBoard(a, "fails").start(Duration.ofSeconds(10))) {
        for (int attempt = 1; attempt <= 3; attempt++) {
          SliceClaim claim = awaitClaim(board, "w");
          claim.checkpoint(ZkFixture.checkpoint("c" + attempt, attempt));
          SliceState state = claim.fail("target said no #" + attempt, 3);
          assertThat(state).isEqualTo(attempt < 3 ? SliceState.PENDING : SliceState.FAILED);
        }
        WorkNode w = new JobStatusReader(a).read("fails").slices().values().iterator().next();
        assertThat(w.state()).isEqualTo(SliceState.FAILED);
        assertThat(w.attempts()).isEqualTo(3);
        assertThat(w.lastError()).isEqualTo("target said no #3");
        assertThat(w.cursor()).as("the cursor survives failures").isEqualTo("c3");
        await().atMost(Duration.ofSeconds(5)).until(board::isFinished);
      }
    }
  }

  @Test
  void releaseKeepsTheCursorForTheNextHolder() throws Exception {
    ZkSettings settings = ZkFixture.sharedServer(ZkFixture.freshRoot());
    try (CoordinatorConnection a = ZkFixture.connect(settings)) {
      new JobRepository(a).publish(ZkFixture.spec("release", "p1"), ZkFixture.slices(1));
      try (SliceBoard board = new SliceBoard(a, "release").start(Duration.ofSeconds(10))) {
        SliceClaim claim = awaitClaim(board, "w1");
        claim.checkpoint(ZkFixture.checkpoint("half-way", 50));
        claim.release();
        SliceClaim next = awaitClaim(board, "w2");
        assertThat(next.work().cursor()).isEqualTo("half-way");
        assertThat(next.work().docsRead()).isEqualTo(50);
        assertThat(next.epoch()).isEqualTo(2);
      }
    }
  }

  static SliceClaim awaitClaim(SliceBoard board, String worker) {
    AtomicReference<SliceClaim> got = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      board.claimNext(worker).ifPresent(got::set);
      return got.get() != null;
    });
    return got.get();
  }
}

package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/**
 * Operator actions share the work node's version with the holder's checkpoints. Only release and reset may fence a
 * holder; a fenced holder never leaves its claim node behind.
 */
class OperatorFencingIT {
  private static final SliceVerification EQUAL = new SliceVerification(100, 100, 0, 0, true, ZkFixture.T0);

  @Test
  void aVerificationOfAnEarlierVersionIsDroppedAndTheNewHolderKeepsCopying() throws Exception {
    try (CoordinatorConnection c = ZkFixture.connect(ZkFixture.sharedServer(ZkFixture.freshRoot()))) {
      new JobRepository(c).publish(ZkFixture.spec("verify", "p1"), ZkFixture.slices(1));
      SliceAdmin admin = new SliceAdmin(c);
      try (SliceBoard board = new SliceBoard(c, "verify").start(Duration.ofSeconds(10))) {
        FencingIT.awaitClaim(board, "w1").complete(ZkFixture.checkpoint("end", 100));
        // a long 'verify --ids' reads the DONE slice ...
        Versioned<WorkNode> verified = new JobStatusReader(c).read("verify").versioned("s0000");
        assertThat(verified.value().state()).isEqualTo(SliceState.DONE);
        // ... meanwhile it is reset and claimed again
        admin.reset("verify", "s0000");
        SliceClaim holder = FencingIT.awaitClaim(board, "w2");
        holder.checkpoint(ZkFixture.checkpoint("c1", 10));

        assertThat(admin.recordVerification("verify", "s0000", verified.version(), EQUAL))
            .isEqualTo(SliceAdmin.VerificationRecord.SLICE_CHANGED);
        holder.checkpoint(ZkFixture.checkpoint("c2", 20)); // not fenced
        holder.complete(ZkFixture.checkpoint("end", 100));
        Versioned<WorkNode> now = new JobStatusReader(c).read("verify").versioned("s0000");
        assertThat(now.value().verify()).as("the earlier copy's verdict is not written on the new one").isNull();

        // the version that is there now, DONE, takes a verification
        assertThat(admin.recordVerification("verify", "s0000", now.version(), EQUAL))
            .isEqualTo(SliceAdmin.VerificationRecord.RECORDED);
        assertThat(new JobStatusReader(c).read("verify").slices().get("s0000").verify()).isEqualTo(EQUAL);
      }
    }
  }

  @Test
  void aFencedHolderDeletesItsOwnClaimNodeSoTheSliceIsNotStuck() throws Exception {
    try (CoordinatorConnection c = ZkFixture.connect(ZkFixture.sharedServer(ZkFixture.freshRoot()))) {
      new JobRepository(c).publish(ZkFixture.spec("stuck", "p1"), ZkFixture.slices(2));
      JobLayout layout = c.layout("stuck");
      try (SliceBoard board = new SliceBoard(c, "stuck").start(Duration.ofSeconds(10))) {
        SliceClaim checkpointing = FencingIT.awaitClaim(board, "w1");
        SliceClaim completing = FencingIT.awaitClaim(board, "w1");
        for (SliceClaim held : List.of(checkpointing, completing)) {
          // a writer that leaves the claim node in place (as verify did) moves the work node's version
          String path = layout.slicePath(held.bucket(), held.sliceId());
          c.curator().setData().forPath(path, c.curator().getData().forPath(path));
        }
        assertThatThrownBy(() -> checkpointing.checkpoint(ZkFixture.checkpoint("x", 1)))
            .isInstanceOf(FencedException.class);
        assertThatThrownBy(() -> completing.complete(ZkFixture.checkpoint("x", 1)))
            .isInstanceOf(FencedException.class);
        assertThat(new JobStatusReader(c).read("stuck").claims()).as("no claim left STUCK").isEmpty();
        // so the slices can be taken again
        FencingIT.awaitClaim(board, "w2").complete(ZkFixture.checkpoint("end", 100));
        FencingIT.awaitClaim(board, "w2").complete(ZkFixture.checkpoint("end", 100));
      }
    }
  }

  @Test
  void aFencedHolderLeavesAClaimOfTheSameSliceTakenAgainAlone() throws Exception {
    try (CoordinatorConnection c = ZkFixture.connect(ZkFixture.sharedServer(ZkFixture.freshRoot()))) {
      new JobRepository(c).publish(ZkFixture.spec("again", "p1"), ZkFixture.slices(1));
      try (SliceBoard board = new SliceBoard(c, "again").start(Duration.ofSeconds(10))) {
        SliceClaim old = FencingIT.awaitClaim(board, "w1");
        new SliceAdmin(c).release("again", old.sliceId());
        SliceClaim taken = FencingIT.awaitClaim(board, "w1"); // same worker, same session, a later epoch
        assertThatThrownBy(() -> old.checkpoint(ZkFixture.checkpoint("late", 1)))
            .isInstanceOf(FencedException.class);
        assertThat(new JobStatusReader(c).read("again").claims()).containsKey(taken.sliceId());
        taken.checkpoint(ZkFixture.checkpoint("c1", 10));
      }
    }
  }

  @Test
  void onlyReleaseAndResetFenceAHolderThatIsCopying() throws Exception {
    try (CoordinatorConnection c = ZkFixture.connect(ZkFixture.sharedServer(ZkFixture.freshRoot()))) {
      new JobRepository(c).publish(ZkFixture.spec("ops", "p1"), ZkFixture.slices(2));
      SliceAdmin admin = new SliceAdmin(c);
      JobControlStore control = new JobControlStore(c);
      try (SliceBoard board = new SliceBoard(c, "ops").start(Duration.ofSeconds(10))) {
        SliceClaim failing = FencingIT.awaitClaim(board, "w0");
        assertThat(failing.fail("target said no", 1)).isEqualTo(SliceState.FAILED);
        SliceClaim holder = FencingIT.awaitClaim(board, "w1");
        String id = holder.sliceId();
        Checkpointer copying = new Checkpointer(holder);
        copying.next();

        control.update("ops", ctl -> ctl.withPaused(true, "oncall", Instant.now()));
        copying.next();
        control.update("ops", ctl -> ctl.withPaused(false, "oncall", Instant.now()));
        copying.next();
        control.update("ops", ctl -> ctl.withMaxDocsPerSecond(100, "oncall", Instant.now()));
        copying.next();

        int before = version(c, "ops", id);
        assertThatThrownBy(() -> admin.retry("ops", id)).isInstanceOf(CoordinationException.class)
            .hasMessageContaining("not FAILED");
        assertThat(version(c, "ops", id)).as("a refused retry does not touch the node").isEqualTo(before);
        copying.next();
        assertThat(admin.retryFailed("ops")).containsExactly(failing.sliceId());
        copying.next();
        assertThat(admin.recordVerification("ops", id, version(c, "ops", id), EQUAL))
            .as("a slice being copied is not DONE").isEqualTo(SliceAdmin.VerificationRecord.SLICE_CHANGED);
        copying.next();

        admin.release("ops", id);
        assertThatThrownBy(copying::next).isInstanceOf(FencedException.class);
        assertThat(new JobStatusReader(c).read("ops").claims()).doesNotContainKey(id);

        SliceClaim second = FencingIT.awaitClaim(board, "w2");
        if (!second.sliceId().equals(id)) second = FencingIT.awaitClaim(board, "w2"); // the retried one came first
        assertThat(second.sliceId()).isEqualTo(id);
        Checkpointer copyingAgain = new Checkpointer(second);
        copyingAgain.next();
        admin.reset("ops", id);
        assertThatThrownBy(copyingAgain::next).isInstanceOf(FencedException.class);
        assertThat(new JobStatusReader(c).read("ops").claims()).doesNotContainKey(id);
      }
    }
  }

  /** A holder checkpointing page after page. */
  private static final class Checkpointer {
    private final SliceClaim claim;
    private int page;

    Checkpointer(SliceClaim claim) {
      this.claim = claim;
    }

    void next() {
      page++;
      claim.checkpoint(ZkFixture.checkpoint("page-" + page, page * 10L));
    }
  }

  private static int version(CoordinatorConnection c, String job, String sliceId) throws Exception {
    Stat stat = c.curator().checkExists().forPath(new JobRepository(c).slicePath(job, sliceId));
    return stat.getVersion();
  }
}

package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-bucket tallies that status reads instead of every work node agree with the work nodes through every change
 * of state: completion, failure for good, retry, reset of a finished slice, release.
 */
class TallyIT {

  @Test
  void theTalliesMatchAFullReadAfterEveryKindOfChange() throws Exception {
    try (CoordinatorConnection c = ZkFixture.connect(ZkFixture.sharedServer(ZkFixture.freshRoot()));
         SliceBoard board = new SliceBoard(c, publish(c)).start(Duration.ofSeconds(10))) {
      SliceAdmin admin = new SliceAdmin(c);
      for (int i = 0; i < 10; i++) board.claimNext("w").orElseThrow().complete(ZkFixture.checkpoint("end", 100));
      for (int i = 0; i < 5; i++) {
        assertThat(board.claimNext("w").orElseThrow().fail("boom", 1)).isEqualTo(SliceState.FAILED);
      }
      SliceClaim held = board.claimNext("w").orElseThrow();
      held.checkpoint(ZkFixture.checkpoint("mid", 40));
      assertAgrees(c, 10, 5, 1);

      List<String> failed = admin.failedSlices("job");
      assertThat(failed).hasSize(5);
      assertThat(admin.retryFailed("job")).containsExactlyInAnyOrderElementsOf(failed);
      assertAgrees(c, 10, 0, 1);

      String done = new JobStatusReader(c).read("job").slices().entrySet().stream()
          .filter(e -> e.getValue().state() == SliceState.DONE).findFirst().orElseThrow().getKey();
      admin.reset("job", done);
      admin.release("job", held.sliceId());
      assertAgrees(c, 9, 0, 0);

      SliceClaim next;
      while ((next = board.claimNext("w").orElse(null)) != null) next.complete(ZkFixture.checkpoint("end", 100));
      assertAgrees(c, 50, 0, 0);
      assertThat(board.isFinished()).isTrue();
      assertThat(c.curator().getChildren().forPath(c.layout("job").openPath())).isEmpty();
    }
  }

  private static String publish(CoordinatorConnection c) {
    new JobRepository(c).publish(ZkFixture.spec("job", "p1"), ZkFixture.slices(50));
    return "job";
  }

  /** The summary from tallies says what a read of every node says. */
  private static void assertAgrees(CoordinatorConnection c, int done, int failed, int held) {
    JobSummary s = new JobSummaryReader(c).read("job");
    JobStatus all = new JobStatusReader(c).read("job");
    long fullDone = all.slices().values().stream().filter(w -> w.state() == SliceState.DONE).count();
    long fullFailed = all.slices().values().stream().filter(w -> w.state() == SliceState.FAILED).count();
    long fullRead = all.slices().values().stream().filter(w -> w.state() != SliceState.PENDING)
        .mapToLong(WorkNode::docsRead).sum();
    assertThat(s.done()).isEqualTo(done).isEqualTo((int) fullDone);
    assertThat(s.failed()).isEqualTo(failed).isEqualTo((int) fullFailed);
    assertThat(s.held()).isEqualTo(held).isEqualTo(all.claims().size());
    assertThat(s.slices()).isEqualTo(50);
    assertThat(s.totals().docsRead()).isEqualTo(fullRead);
    assertThat(s.open()).isEqualTo(50 - done - failed);
  }
}

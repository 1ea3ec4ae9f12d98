package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.backfillfleet.testkit.ZooKeeperServers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Splitting a held slice (issue 18) against a real ZooKeeper: one conditional write narrows the holder's window and
 * publishes a claimable successor with the tallies following; a split and a fencing never both win; a split whose
 * answer was lost is the holder's split, not a second successor.
 */
class SplitIT {
  private static final Instant HALF = ZkFixture.T0.plusSeconds(1800);

  @Test
  void aSplitNarrowsTheHolderAndPublishesAClaimableSuccessorWithTheTalliesFollowing() throws Exception {
    try (CoordinatorConnection c = ZkFixture.connect(ZkFixture.sharedServer(ZkFixture.freshRoot()))) {
      new JobRepository(c).publish(ZkFixture.spec("job", "p1"), ZkFixture.slices(1));
      try (SliceBoard board = new SliceBoard(c, "job").start(Duration.ofSeconds(10))) {
        SliceClaim held = FencingIT.awaitClaim(board, "w1");
        held.checkpoint(ZkFixture.checkpoint("c1", 30));

        SplitOutcome o = held.split(SplitPoint.at(HALF), 60, 900);

        assertThat(o).isInstanceOf(SplitOutcome.Split.class);
        String successorId = ((SplitOutcome.Split) o).successorId();
        assertThat(successorId).as("derived from the parent and the cut")
            .isEqualTo(SplitIds.successor("s0000", null, SplitPoint.at(HALF))).startsWith("s0000.s");
        Map<String, WorkNode> all = new JobStatusReader(c).read("job").slices();
        assertThat(all).containsOnlyKeys("s0000", successorId);
        WorkNode parent = all.get("s0000");
        assertThat(parent.from()).isEqualTo(ZkFixture.T0);
        assertThat(parent.to()).isEqualTo(HALF);
        assertThat(parent.cursor()).as("the holder keeps its position").isEqualTo("c1");
        assertThat(parent.estimatedDocs()).isEqualTo(60);
        assertThat(parent.lineage()).isEqualTo(new SliceLineage("s0000", null, 1));
        WorkNode successor = all.get(successorId);
        assertThat(successor.state()).isEqualTo(SliceState.PENDING);
        assertThat(successor.from()).isEqualTo(HALF);
        assertThat(successor.to()).isEqualTo(ZkFixture.T0.plusSeconds(3600));
        assertThat(successor.cursor()).isNull();
        assertThat(successor.lineage()).isEqualTo(new SliceLineage("s0000", "s0000", 0));
        assertThat(held.work()).isEqualTo(parent);

        JobSummary s = new JobSummaryReader(c).read("job");
        assertThat(s.slices()).isEqualTo(2);
        assertThat(s.open()).isEqualTo(2);
        assertThat(s.totals().estimatedDocs()).as("the tallies hold both new estimates").isEqualTo(960);

        // the holder goes on checkpointing at its new version, and another worker takes the successor
        held.checkpoint(ZkFixture.checkpoint("c2", 50));
        SliceClaim other = FencingIT.awaitClaim(board, "w2");
        assertThat(other.sliceId()).isEqualTo(successorId);

        // the successor splits again: its id still names the plan's slice, not a chain of ids
        Instant threeQuarters = ZkFixture.T0.plusSeconds(2700);
        SplitOutcome again = other.split(SplitPoint.at(threeQuarters), 400, 500);
        String grandchild = ((SplitOutcome.Split) again).successorId();
        assertThat(grandchild).startsWith("s0000.s").hasSize(successorId.length());
        assertThat(new JobStatusReader(c).read("job").slices().get(grandchild).lineage())
            .isEqualTo(new SliceLineage("s0000", successorId, 0));

        held.complete(ZkFixture.checkpoint("end", 60));
        other.complete(ZkFixture.checkpoint("end", 400));
        FencingIT.awaitClaim(board, "w3").complete(ZkFixture.checkpoint("end", 500));
        await().atMost(Duration.ofSeconds(10)).until(board::isFinished);
        JobSummary end = new JobSummaryReader(c).read("job");
        assertThat(end.slices()).isEqualTo(3);
        assertThat(end.done()).isEqualTo(3);
        assertThat(end.totals().estimatedDocs()).isEqualTo(960);
        assertThat(end.remainingEstimatedDocs()).isZero();
        assertThat(end.progress().docsRead()).isEqualTo(960);
      }
    }
  }

  @Test
  void aSplitAfterAnOperatorReleaseIsFencedAndCreatesNothing() throws Exception {
    try (CoordinatorConnection c = ZkFixture.connect(ZkFixture.sharedServer(ZkFixture.freshRoot()))) {
      new JobRepository(c).publish(ZkFixture.spec("job", "p1"), ZkFixture.slices(1));
      try (SliceBoard board = new SliceBoard(c, "job").start(Duration.ofSeconds(10))) {
        SliceClaim held = FencingIT.awaitClaim(board, "w1");
        held.checkpoint(ZkFixture.checkpoint("c1", 30));
        new SliceAdmin(c).release("job", "s0000");

        assertThatThrownBy(() -> held.split(SplitPoint.at(HALF), 60, 40)).isInstanceOf(FencedException.class);

        Map<String, WorkNode> all = new JobStatusReader(c).read("job").slices();
        assertThat(all).containsOnlyKeys("s0000");
        assertThat(all.get("s0000").to()).isEqualTo(ZkFixture.T0.plusSeconds(3600));
        assertThat(new JobSummaryReader(c).read("job").slices()).isEqualTo(1);
      }
    }
  }

  @Test
  void aSplitMeetsANewerHolderAndLoses() throws Exception {
    try (CoordinatorConnection a = ZkFixture.connect(ZkFixture.sharedServer(ZkFixture.freshRoot()))) {
      new JobRepository(a).publish(ZkFixture.spec("job", "p1"), ZkFixture.slices(1));
      try (SliceBoard board = new SliceBoard(a, "job").start(Duration.ofSeconds(10))) {
        SliceClaim old = FencingIT.awaitClaim(board, "w1");
        new SliceAdmin(a).release("job", "s0000");
        SliceClaim newer = FencingIT.awaitClaim(board, "w2");
        newer.checkpoint(ZkFixture.checkpoint("n1", 10));

        assertThatThrownBy(() -> old.split(SplitPoint.at(HALF), 60, 40)).isInstanceOf(FencedException.class);

        assertThat(new JobStatusReader(a).read("job").slices()).containsOnlyKeys("s0000");
        assertThat(newer.split(SplitPoint.at(HALF), 10, 40)).isInstanceOf(SplitOutcome.Split.class);
      }
    }
  }

  @Test
  void aSplitPointOutsideTheUnreadWindowIsRefusedBeforeAnyWrite() throws Exception {
    try (CoordinatorConnection c = ZkFixture.connect(ZkFixture.sharedServer(ZkFixture.freshRoot()))) {
      new JobRepository(c).publish(ZkFixture.spec("job", "p1"), ZkFixture.slices(1));
      try (SliceBoard board = new SliceBoard(c, "job").start(Duration.ofSeconds(10))) {
        SliceClaim held = FencingIT.awaitClaim(board, "w1");
        assertThatThrownBy(() -> held.split(SplitPoint.at(ZkFixture.T0), 1, 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strictly inside");
        assertThatThrownBy(() -> held.split(SplitPoint.at(ZkFixture.T0.plusSeconds(3600)), 1, 1))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> held.split(SplitPoint.beforePart(0), 1, 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("packed");
        assertThat(new JobStatusReader(c).read("job").slices()).containsOnlyKeys("s0000");
        held.checkpoint(ZkFixture.checkpoint("still mine", 1));
      }
    }
  }

  @Test
  void aSplitWhoseAnswerWasLostIsTheHoldersSplitAndCreatesOneSuccessor() throws Exception {
    String root = ZkFixture.freshRoot();
    try (AnswerDroppingProxy proxy = new AnswerDroppingProxy(ZooKeeperServers.shared().getConnectString());
         CoordinatorConnection admin = ZkFixture.connect(ZkFixture.sharedServer(root));
         CoordinatorConnection worker = ZkFixture.connect(ZkSettings.of(proxy.connectString(), root)
             .withSessionTimeout(Duration.ofSeconds(20)))) {
      new JobRepository(admin).publish(ZkFixture.spec("job", "p1"), ZkFixture.slices(1));
      try (SliceBoard board = new SliceBoard(worker, "job").start(Duration.ofSeconds(10))) {
        SliceClaim held = FencingIT.awaitClaim(board, "w1");
        proxy.dropNextMultiAnswer();

        SplitOutcome o = held.split(SplitPoint.at(HALF), 60, 40);

        assertThat(proxy.awaitDropped(Duration.ZERO)).as("the split's answer was really lost").isTrue();
        assertThat(o).isInstanceOf(SplitOutcome.Split.class);
        List<String> ids = List.copyOf(new JobStatusReader(admin).read("job").slices().keySet());
        assertThat(ids).containsExactlyInAnyOrder("s0000", ((SplitOutcome.Split) o).successorId());
        assertThat(new JobSummaryReader(admin).read("job").slices()).as("counted once").isEqualTo(2);
        held.checkpoint(ZkFixture.checkpoint("after", 20));
        held.complete(ZkFixture.checkpoint("end", 60));
      }
    }
  }

  @Test
  void aPackedSliceSplitsAtAPartBoundaryOrInsideAPart() throws Exception {
    try (CoordinatorConnection c = ZkFixture.connect(ZkFixture.sharedServer(ZkFixture.freshRoot()))) {
      Instant t1 = ZkFixture.T0.plusSeconds(3600);
      WorkNode packed = WorkNode.pendingPacked(List.of(SlicePart.window("a", ZkFixture.T0, t1, 10),
          SlicePart.window("b", ZkFixture.T0, t1, 20), SlicePart.window("c", ZkFixture.T0, t1, 30)));
      new JobRepository(c).publish(ZkFixture.spec("job", "p1"), List.of(new PlannedSlice("pk-0", packed)));
      try (SliceBoard board = new SliceBoard(c, "job").start(Duration.ofSeconds(10))) {
        SliceClaim held = FencingIT.awaitClaim(board, "w1");
        SplitOutcome first = held.split(SplitPoint.beforePart(2), 30, 30);
        WorkNode rest = ((SplitOutcome.Split) first).successor();
        assertThat(held.work().windows()).extracting(SlicePart::tenant).containsExactly("a", "b");
        assertThat(rest.windows()).extracting(SlicePart::tenant).containsExactly("c");

        SplitOutcome second = held.split(SplitPoint.within(1, HALF), 20, 10);
        WorkNode tail = ((SplitOutcome.Split) second).successor();
        assertThat(held.work().windows()).extracting(SlicePart::tenant).containsExactly("a", "b");
        assertThat(held.work().windows().get(1).to()).isEqualTo(HALF);
        assertThat(tail.windows()).singleElement().satisfies(p -> {
          assertThat(p.tenant()).isEqualTo("b");
          assertThat(p.from()).isEqualTo(HALF);
          assertThat(p.to()).isEqualTo(t1);
        });
        assertThat(held.work().lineage().splits()).isEqualTo(2);
        assertThat(new JobSummaryReader(c).read("job").slices()).isEqualTo(3);
        assertThat(new JobSummaryReader(c).read("job").totals().estimatedDocs()).isEqualTo(60);
      }
    }
  }
}

package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CorruptNodeIT {

  @Test
  void aCorruptWorkNodeIsReportedWithItsPathAndTheOtherSlicesStayClaimable() throws Exception {
    try (CoordinatorConnection c = ZkFixture.connect(ZkFixture.sharedServer(ZkFixture.freshRoot()))) {
      new JobRepository(c).publish(ZkFixture.spec("corrupt", "p1"), ZkFixture.slices(5));
      String bad = new JobRepository(c).slicePath("corrupt", "s0002");
      c.curator().setData().forPath(bad, "{\"schema\":1,\"tenant\":".getBytes(StandardCharsets.UTF_8));

      try (SliceBoard board = new SliceBoard(c, "corrupt").start(Duration.ofSeconds(10))) {
        Set<String> claimed = new HashSet<>();
        for (Optional<SliceClaim> claim = board.claimNext("w"); claim.isPresent(); claim = board.claimNext("w")) {
          claimed.add(claim.get().sliceId());
          claim.get().complete(ZkFixture.checkpoint("end", 100));
        }
        assertThat(claimed).containsExactlyInAnyOrder("s0000", "s0001", "s0003", "s0004");
        assertThat(board.corruptSlices()).containsOnlyKeys("s0002");
        assertThat(board.corruptSlices().get("s0002")).contains(bad).contains("WorkNode");
        assertThat(board.counts().corrupt()).isEqualTo(1);
      }
      JobStatus status = new JobStatusReader(c).read("corrupt");
      assertThat(status.slices()).hasSize(4);
      assertThat(status.corruptSlices()).containsOnlyKeys("s0002");
    }
  }
}

package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

class PublishIT {

  @Test
  void publishesEverySliceInBatchesAndRefusesAnExistingJobChangingNothing() throws Exception {
    try (CoordinatorConnection c = ZkFixture.connect(ZkFixture.sharedServer(ZkFixture.freshRoot()))) {
      JobRepository jobs = new JobRepository(c);
      List<PlannedSlice> plan = ZkFixture.slices(1_200); // more than two batches
      JobRepository.PublishResult r = jobs.publish(ZkFixture.spec("big", "p1"), plan);
      assertThat(r.slicesWritten()).isEqualTo(1_200);
      JobSpec spec = jobs.readSpec("big").orElseThrow();
      assertThat(spec.state()).isEqualTo(JobSpec.PublishState.READY);
      assertThat(spec.sliceCount()).isEqualTo(1_200);
      assertThat(spec.estimatedDocs()).isEqualTo(120_000);
      assertThat(jobs.listJobs()).containsExactly("big");

      JobLayout layout = c.layout("big");
      byte[] before = c.curator().getData().forPath(layout.jobPath());
      int versionBefore = c.curator().checkExists().forPath(layout.jobPath()).getVersion();
      assertThatThrownBy(() -> jobs.publish(ZkFixture.spec("big", "p2"), ZkFixture.slices(3)))
          .isInstanceOf(JobExistsException.class).hasMessageContaining("'big' already exists");
      assertThatThrownBy(() -> jobs.publish(ZkFixture.spec("big", "p1"), plan))
          .isInstanceOf(JobExistsException.class);
      assertThat(c.curator().getData().forPath(layout.jobPath())).isEqualTo(before);
      assertThat(c.curator().checkExists().forPath(layout.jobPath()).getVersion()).isEqualTo(versionBefore);
      assertThat(new JobStatusReader(c).read("big").slices()).hasSize(1_200);
    }
  }

  @Test
  void anInterruptedPublishIsInvisibleToWorkersAndCanBeResumed() throws Exception {
    try (CoordinatorConnection c = ZkFixture.connect(ZkFixture.sharedServer(ZkFixture.freshRoot()))) {
      JobLayout layout = c.layout("half");
      List<PlannedSlice> plan = ZkFixture.slices(10);
      // a planner that died after its first batch
      assertThatThrownBy(() -> new JobRepository(c).publish(ZkFixture.spec("half", "p1"), plan, 1))
          .hasMessageContaining("stopped after 1 batches");

      try (SliceBoard board = new SliceBoard(c, "half").start(Duration.ofSeconds(10))) {
        assertThat(board.isReady()).isFalse();
        assertThat(board.claimNext("w")).as("no work from a half-published job").isEmpty();
        assertThat(board.isFinished()).isFalse();

        assertThatThrownBy(() -> new JobRepository(c).publish(ZkFixture.spec("half", "other-plan"), plan))
            .isInstanceOf(JobExistsException.class).hasMessageContaining("interrupted publish of another plan");

        JobRepository.PublishResult r = new JobRepository(c).publish(ZkFixture.spec("half", "p1"), plan);
        assertThat(r.resumed()).isTrue();
        assertThat(r.slicesWritten()).isPositive();
        assertThat(r.slicesWritten() + r.slicesAlreadyThere()).isEqualTo(10);
        assertThat(r.slicesAlreadyThere()).as("the first batch is not written twice").isPositive();
        await().atMost(Duration.ofSeconds(5)).until(board::isReady);
        assertThat(board.claimNext("w")).isPresent();
      }
    }
  }

  @Test
  void addSlicesAppendsNewTenantsOnly() throws Exception {
    try (CoordinatorConnection c = ZkFixture.connect(ZkFixture.sharedServer(ZkFixture.freshRoot()))) {
      JobRepository jobs = new JobRepository(c);
      jobs.publish(ZkFixture.spec("grow", "p1"), ZkFixture.slices(3));
      PlannedSlice extra = new PlannedSlice("globex-none", WorkNode.pendingWithoutTimestamp("globex", 7));
      assertThat(jobs.addSlices("grow", List.of(extra))).isEqualTo(1);
      assertThat(jobs.readSpec("grow").orElseThrow().sliceCount()).isEqualTo(4);
      assertThatThrownBy(() -> jobs.addSlices("grow", List.of(extra))).hasMessageContaining("already has slices");
      jobs.delete("grow");
      assertThat(jobs.exists("grow")).isFalse();
      assertThatThrownBy(() -> jobs.delete("grow")).isInstanceOf(NoSuchJobException.class)
          .hasMessageContaining("backfill jobs");
    }
  }
}

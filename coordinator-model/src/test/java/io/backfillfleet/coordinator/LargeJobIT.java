package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A job whose slice listing alone would be over ZooKeeper's 1 MiB packet limit in the old layout (one child per slice
 * under {@code slices}: there, status failed and every worker saw an empty job and exited 0) is published, claimed,
 * checkpointed and completed by several workers, each slice exactly once, and its accounting agrees with its slices.
 */
class LargeJobIT {
  private static final int SLICES = 30_000;
  private static final String TENANT = "a-tenant-whose-name-is-long-enough-to-fill-sixty-characters-x";

  @Test
  void aJobPastTheOldListingLimitIsPublishedClaimedAndCompletedExactlyOnce() throws Exception {
    List<PlannedSlice> plan = new ArrayList<>();
    long oldListingBytes = 0;
    for (int i = 0; i < SLICES; i++) {
      String id = TENANT + "-" + String.format("%05d", i);
      oldListingBytes += id.length() + 4;
      plan.add(new PlannedSlice(id, WorkNode.pending(TENANT, ZkFixture.T0.plusSeconds(60L * i),
          ZkFixture.T0.plusSeconds(60L * (i + 1)), 10)));
    }
    assertThat(oldListingBytes).as("the old layout's listing").isGreaterThan(2L << 20);

    ZkSettings settings = ZkFixture.sharedServer(ZkFixture.freshRoot());
    try (CoordinatorConnection c = ZkFixture.connect(settings)) {
      new JobRepository(c).publish(ZkFixture.spec("big", "p1"), plan);
      JobLayout layout = c.layout("big");
      Buckets buckets = new JobRepository(c).readSpec("big").orElseThrow().requireCurrentLayout();
      long largest = 0;
      for (String b : buckets.all()) {
        long bytes = c.curator().getChildren().forPath(layout.slicesPath(b)).stream().mapToLong(n -> n.length() + 4).sum();
        largest = Math.max(largest, bytes);
      }
      assertThat(largest).as("the largest bucket listing").isLessThan(128 << 10);

      Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(6);
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < 6; w++) {
        String workerId = "w" + w;
        workers.add(pool.submit(() -> {
          try (CoordinatorConnection own = ZkFixture.connect(settings);
               SliceBoard board = new SliceBoard(own, "big").start(Duration.ofSeconds(10))) {
            while (true) {
              ClaimOutcome o = board.claim(workerId);
              if (o instanceof ClaimOutcome.Claimed claimed) {
                SliceClaim s = claimed.claim();
                s.checkpoint(ZkFixture.checkpoint("half", 5));
                s.complete(ZkFixture.checkpoint("end", 10));
                completions.computeIfAbsent(s.sliceId(), k -> new AtomicInteger()).incrementAndGet();
              } else if (o == ClaimOutcome.NotClaimed.NONE_FREE && board.isFinished()) {
                return null;
              }
            }
          }
        }));
      }
      for (Future<?> f : workers) f.get();
      pool.shutdown();

      assertThat(completions).hasSize(SLICES);
      assertThat(completions.values()).allMatch(n -> n.get() == 1);
      JobSummary summary = new JobSummaryReader(c).read("big");
      assertThat(summary.done()).isEqualTo(SLICES);
      assertThat(summary.open()).isZero();
      assertThat(summary.progress().docsRead()).isEqualTo(10L * SLICES);
      assertThat(c.curator().getChildren().forPath(layout.openPath())).as("no bucket has open work").isEmpty();
      JobStatus all = new JobStatusReader(c).read("big");
      assertThat(all.slices()).hasSize(SLICES);
      assertThat(all.slices().values()).allMatch(w -> w.state() == SliceState.DONE && w.epoch() == 1);
    }
  }
}

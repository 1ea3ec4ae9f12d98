package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** 8 workers on 2 ZooKeeper sessions race for 200 slices. */
class ClaimRaceIT {

  @Test
  void noSliceIsEverHeldTwiceAndEverySliceCompletesExactlyOnce() throws Exception {
    ZkSettings settings = ZkFixture.sharedServer(ZkFixture.freshRoot());
    Map<String, String> holders = new ConcurrentHashMap<>();
    Map<String, Integer> completions = new ConcurrentHashMap<>();
    List<String> violations = new ArrayList<>();
    try (CoordinatorConnection a = ZkFixture.connect(settings); CoordinatorConnection b = ZkFixture.connect(settings)) {
      new JobRepository(a).publish(ZkFixture.spec("race", "p1"), ZkFixture.slices(200));
      try (SliceBoard boardA = new SliceBoard(a, "race").start(Duration.ofSeconds(10));
           SliceBoard boardB = new SliceBoard(b, "race").start(Duration.ofSeconds(10))) {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> done = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
          SliceBoard board = w % 2 == 0 ? boardA : boardB;
          String worker = "worker-" + w;
          done.add(pool.submit(() -> {
            int mine = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!board.isFinished() && System.nanoTime() < deadline) {
              Optional<SliceClaim> claim = board.claimNext(worker);
              if (claim.isEmpty()) {
                board.awaitChange(Duration.ofMillis(100));
                continue;
              }
              SliceClaim c = claim.get();
              String previous = holders.putIfAbsent(c.sliceId(), worker);
              if (previous != null) {
                synchronized (violations) {
                  violations.add(c.sliceId() + " held by " + previous + " and " + worker);
                }
              }
              c.checkpoint(ZkFixture.checkpoint("half", 50));
              holders.remove(c.sliceId(), worker);
              c.complete(ZkFixture.checkpoint("end", 100));
              completions.merge(c.sliceId(), 1, Integer::sum);
              mine++;
            }
            return mine;
          }));
        }
        int total = 0;
        for (Future<Integer> f : done) total += f.get(90, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(total).isEqualTo(200);
      }
      assertThat(violations).isEmpty();
      assertThat(completions).hasSize(200).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
      JobStatus status = new JobStatusReader(a).read("race");
      assertThat(status.slices().values()).hasSize(200).allSatisfy(w -> {
        assertThat(w.state()).isEqualTo(SliceState.DONE);
        assertThat(w.epoch()).as("claimed exactly once").isEqualTo(1);
        assertThat(w.docsRead()).isEqualTo(100);
      });
      assertThat(status.claims()).isEmpty();
    }
  }
}

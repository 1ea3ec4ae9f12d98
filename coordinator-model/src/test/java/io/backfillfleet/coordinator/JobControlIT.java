package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class JobControlIT {

  @Test
  void controlChangesAreCompareAndSetSoNoneIsLost() throws Exception {
    try (CoordinatorConnection c = ZkFixture.connect(ZkFixture.sharedServer(ZkFixture.freshRoot()))) {
      new JobRepository(c).publish(ZkFixture.spec("ctl", "p1"), ZkFixture.slices(1));
      JobControlStore control = new JobControlStore(c);
      assertThat(control.read("ctl")).isEqualTo(JobControl.DEFAULT);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        fs.add(pool.submit(() -> control.update("ctl",
            cur -> cur.withMaxDocsPerSecond(cur.maxDocsPerSecond() + 1, "test", Instant.now()))));
      }
      for (Future<?> f : fs) f.get();
      pool.shutdown();
      assertThat(control.read("ctl").maxDocsPerSecond()).isEqualTo(40);
      control.update("ctl", cur -> cur.withPaused(true, "oncall", Instant.now()));
      assertThat(control.read("ctl").paused()).isTrue();
      assertThat(control.read("ctl").maxDocsPerSecond()).isEqualTo(40);
      assertThatThrownBy(() -> control.read("nope")).isInstanceOf(NoSuchJobException.class);
    }
  }
}

package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.data.Stat;
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

  /**
   * A worker's idle loop waits on the board; a slice it held finishing is a change the board does not watch, so the
   * worker wakes it (else it would wait out its back-off, up to 10 s, before seeing the job end).
   */
  @Test
  void aWaiterWokenForItsOwnChangeDoesNotWaitOutItsTimeout() throws Exception {
    try (CoordinatorConnection c = ZkFixture.connect(ZkFixture.sharedServer(ZkFixture.freshRoot()))) {
      new JobRepository(c).publish(ZkFixture.spec("wake", "p1"), ZkFixture.slices(1));
      try (SliceBoard board = new SliceBoard(c, "wake").start(Duration.ofSeconds(20))) {
        ExecutorService waiter = Executors.newSingleThreadExecutor();
        try {
          // five waits in a row: the board's own caches signal a few times as they start (job, control and split
          // nodes seen), so at least two of these waits end only by wakeWaiters
          Future<?> waiting = waiter.submit(() -> {
            for (int i = 0; i < 5; i++) board.awaitChange(Duration.ofMinutes(2));
            return null;
          });
          // woken again until it returns: a wake before the waiter began waiting is not kept
          await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100)).until(() -> {
            board.wakeWaiters();
            return waiting.isDone();
          });
          waiting.get(); // returned, not failed
        } finally {
          waiter.shutdownNow();
        }
      }
    }
  }

  /** The first worker to find no slice open wakes the others (they follow the signal node), once per job end. */
  @Test
  void noSliceOpenWakesTheOtherWorkersWaitingOnTheBoard() throws Exception {
    String root = ZkFixture.freshRoot();
    try (CoordinatorConnection a = ZkFixture.connect(ZkFixture.sharedServer(root));
        CoordinatorConnection b = ZkFixture.connect(ZkFixture.sharedServer(root))) {
      new JobRepository(a).publish(ZkFixture.spec("end", "p1"), ZkFixture.slices(1));
      try (SliceBoard idle = new SliceBoard(a, "end").start(Duration.ofSeconds(20));
          SliceBoard last = new SliceBoard(b, "end").start(Duration.ofSeconds(20))) {
        ExecutorService waiter = Executors.newSingleThreadExecutor();
        try {
          AtomicReference<Thread> waitingThread = new AtomicReference<>();
          Future<?> waiting = waiter.submit(() -> {
            waitingThread.set(Thread.currentThread());
            while (!idle.noSliceOpenSignalled()) idle.awaitChange(Duration.ofMinutes(2));
            return null;
          });
          await().atMost(20, TimeUnit.SECONDS).until(() -> waitingThread.get() != null
              && waitingThread.get().getState() == Thread.State.TIMED_WAITING);
          assertThat(waiting).isNotDone();
          last.signalNoSliceOpen();
          await().atMost(20, TimeUnit.SECONDS).until(waiting::isDone); // woken, not after its 2 minutes
          waiting.get();
          await().atMost(20, TimeUnit.SECONDS).until(last::noSliceOpenSignalled);
          Stat before = a.curator().checkExists().forPath(a.layout("end").splitSignalPath());
          last.signalNoSliceOpen(); // said already: not written again
          assertThat(a.curator().checkExists().forPath(a.layout("end").splitSignalPath()).getVersion())
              .isEqualTo(before.getVersion());
        } finally {
          waiter.shutdownNow();
        }
      }
    }
  }

  /**
   * A slice that on-call makes claimable again (retry, reset, release) wakes the idle workers to take it, and clears
   * the job's "no slice open", so that the job's next end is signalled again.
   */
  @Test
  void aSliceReopenedByOnCallWakesTheIdleAndClearsNoSliceOpen() throws Exception {
    String root = ZkFixture.freshRoot();
    try (CoordinatorConnection a = ZkFixture.connect(ZkFixture.sharedServer(root))) {
      new JobRepository(a).publish(ZkFixture.spec("again", "p1"), ZkFixture.slices(1));
      try (SliceBoard board = new SliceBoard(a, "again").start(Duration.ofSeconds(20))) {
        board.signalNoSliceOpen();
        await().atMost(20, TimeUnit.SECONDS).until(board::noSliceOpenSignalled);
        ExecutorService waiter = Executors.newSingleThreadExecutor();
        try {
          AtomicReference<Thread> waitingThread = new AtomicReference<>();
          Future<?> waiting = waiter.submit(() -> {
            waitingThread.set(Thread.currentThread());
            while (board.noSliceOpenSignalled()) board.awaitChange(Duration.ofMinutes(2));
            return null;
          });
          await().atMost(20, TimeUnit.SECONDS).until(() -> waitingThread.get() != null
              && waitingThread.get().getState() == Thread.State.TIMED_WAITING);
          new SliceAdmin(a).reset("again", "s0000");
          await().atMost(20, TimeUnit.SECONDS).until(waiting::isDone); // woken, not after its 2 minutes
          waiting.get();
          assertThat(new String(a.curator().getData().forPath(a.layout("again").splitSignalPath()),
              java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("reopened s0000");
        } finally {
          waiter.shutdownNow();
        }
      }
    }
  }
}

package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.CopyProgress;
import io.backfillfleet.coordinator.CursorCheckpoint;
import io.backfillfleet.coordinator.JobStatus;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.SliceAdmin;
import io.backfillfleet.coordinator.SliceBoard;
import io.backfillfleet.coordinator.SliceClaim;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.Stores;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** verify against real stores while an operator resets a slice and a worker claims it again mid-run. */
class VerifierIT {

  @Test
  void aSliceResetAndClaimedAgainDuringVerifyIsReportedChangedAndItsNewHolderIsNotFenced() throws Exception {
    FleetFixture fx = FleetFixture.solr();
    FleetFixture.write(fx.source, FleetFixture.timed(200, 2));
    fx.publish("verify", 1_000_000, null);
    AtomicReference<SliceClaim> newHolder = new AtomicReference<>();
    try (SearchStore source = Stores.open("source", fx.source); SearchStore target = Stores.open("target", fx.target);
         CoordinatorConnection conn = fx.connect();
         SliceBoard board = new SliceBoard(conn, "verify").start(Duration.ofSeconds(10))) {
      SliceClaim first = awaitClaim(board, "w1");
      String id = first.sliceId();
      first.complete(new CursorCheckpoint("end", new CopyProgress(200, 200, 0, 0, 0)));

      // while verify counts the slice, an operator resets it and a worker claims it again and checkpoints
      SearchStore resetWhileCounted = new CountHook(source, () -> {
        if (newHolder.get() != null) return;
        new SliceAdmin(conn).reset("verify", id);
        SliceClaim again = awaitClaim(board, "w2");
        again.checkpoint(new CursorCheckpoint("c1", new CopyProgress(10, 10, 0, 0, 0)));
        newHolder.set(again);
      });
      Verifier.Report report = new Verifier(conn, resetWhileCounted, target, Duration.ZERO, Clock.systemUTC())
          .verify("verify", false, false);

      assertThat(report.changedSince()).containsExactly(id);
      assertThat(report.results()).as("neither a pass nor a mismatch").isEmpty();
      assertThat(report.clean()).isFalse();
      newHolder.get().checkpoint(new CursorCheckpoint("c2", new CopyProgress(20, 20, 0, 0, 0))); // not fenced
      JobStatus status = new JobStatusReader(conn).read("verify");
      assertThat(status.slices().get(id).verify()).isNull();
      assertThat(status.slices().get(id).cursor()).isEqualTo("c2");
      assertThat(status.claims()).containsOnlyKeys(id);
    }
  }

  private static SliceClaim awaitClaim(SliceBoard board, String worker) {
    AtomicReference<SliceClaim> got = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      board.claimNext(worker).ifPresent(got::set);
      return got.get() != null;
    });
    return got.get();
  }

  /** The real source store; {@code beforeCount} runs before each count. */
  private static final class CountHook extends ForwardingSearchStore {
    private final Runnable beforeCount;

    CountHook(SearchStore real, Runnable beforeCount) {
      super(real);
      this.beforeCount = beforeCount;
    }

    @Override public long count(String t, TimeWindow w) {
      beforeCount.run();
      return real.count(t, w);
    }
  }
}

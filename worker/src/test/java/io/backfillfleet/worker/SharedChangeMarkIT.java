package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.SliceBoard;
import io.backfillfleet.coordinator.SliceClaim;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.planner.WorkersChangeMark;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.DocKey;
import io.backfillfleet.store.DocConverter;
import io.backfillfleet.store.FieldMapping;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.Stores;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The planner's watermark snapshot, handed to a worker that has none of its own old enough yet (its first seconds):
 * the worker range-counts its pages from the first one, and a live delete after the snapshot is still caught (the
 * count falls short, the page is checked by id). Real Solr 8 source read through /export, Solr 9 target, ZooKeeper.
 */
class SharedChangeMarkIT {

  @Test
  void aWorkerWithThePlannersSnapshotRangeCountsFromItsFirstPageAndStillCatchesLiveDeletes() throws Exception {
    FleetFixture fx = FleetFixture.solrExport();
    // else no snapshot vouches for anything; the settle delay below is at least this, else counts are not trusted
    SearchRecheckIT.setSearchVisibility(fx.source, Duration.ofMillis(500));
    FleetFixture.write(fx.source, FleetFixture.timed(500, 5));
    fx.publish("shared", 1_000_000, null);
    long mark;
    try (SearchStore planning = Stores.open("source", fx.source)) {
      // the cores reload with the new soft commit setting asynchronously
      await().atMost(Duration.ofSeconds(60)).until(() -> planning.searchVisibility().isBounded());
      mark = WorkersChangeMark.take(planning).awaitUsable().orElseThrow();
    }
    AtomicReference<List<String>> deletedLive = new AtomicReference<>();
    WorkerMetrics metrics = new WorkerMetrics();
    try (SearchStore source = Stores.open("source", fx.source); SearchStore target = Stores.open("target", fx.target);
         CoordinatorConnection conn = fx.connect();
         SliceBoard board = new SliceBoard(conn, "shared").start(Duration.ofSeconds(10))) {
      source.acceptSharedChangeMark(mark); // as a worker does with the job's
      SearchStore liveDeleterAfterFirstRead = new LiveDeletesIT.LiveWriterHook(source, (asked, answer) -> { }, page -> {
        if (deletedLive.get() != null) return;
        List<String> delete = page.docs().stream().map(Doc::id).toList().subList(0, 10);
        Map<DocKey, String> v = source.versions(delete.stream().map(DocKey::of).toList());
        assertThat(source.deleteIfUnchanged(v)).hasSize(10);
        deletedLive.set(delete);
      });
      SliceCopier copier = new SliceCopier(liveDeleterAfterFirstRead, target,
          new DocConverter(FieldMapping.NONE, target.fields()), RejectionRecorder.toZooKeeper(conn),
          WorkerSettings.defaults("w").withPageSize(100).withSettleDelay(Duration.ofSeconds(1)), metrics,
          new Throttle(), new PauseGate(() -> false), Executors.newSingleThreadExecutor(), new PageMemoryBudget(64 << 20),
          3);
      SliceClaim claim = board.claimNext("w").orElseThrow();
      assertThat(copier.copy(claim, () -> false)).isEqualTo(SliceCopier.Outcome.COMPLETED);

      target.makeVisible();
      assertThat(target.existingIds(deletedLive.get().stream().map(DocKey::of).toList())).as("not resurrected")
          .isEmpty();
      WorkNode w = new JobStatusReader(conn).read("shared").slices().values().iterator().next();
      assertThat(w.docsDeletedAfterRecheck()).isEqualTo(10);
      // pages 2 to 5 vouched for by range counts at once (without the snapshot: by id, this worker's own being too
      // new); the first page's count fell short, so it was checked by id
      assertThat(metrics.recheckRanged.getCount()).isEqualTo(400);
    }
  }
}

package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.DocKey;
import io.backfillfleet.store.FieldMapping;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.Stores;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Repair writes what verify found missing; a live delete landing between repair's read and its write must not be
 * undone. Repair's writes go through the same guard as a worker's pages.
 */
class RepairGuardIT {

  @Test
  void documentsDeletedLiveWhileRepairCopiesThemAreNotResurrected() throws Exception {
    FleetFixture fx = FleetFixture.elasticsearch();
    List<Doc> history = FleetFixture.timed(300, 5);
    FleetFixture.write(fx.source, history);
    fx.publish("repair", 1_000_000, null);
    try (CoordinatorConnection conn = fx.connect();
         SearchStore source = Stores.open("source", fx.source); SearchStore target = Stores.open("target", fx.target)) {
      assertThat(new FleetWorker(conn, "repair", WorkerSettings.defaults("w").withSettleDelay(Duration.ofMillis(200)))
          .run()).isEqualTo(FleetWorker.Result.NO_WORK_LEFT);
      // the target drifts: 20 documents go missing
      List<DocKey> lost = history.subList(0, 20).stream().map(Doc::key).toList();
      assertThat(target.deleteIfUnchanged(target.versions(lost))).hasSize(20);
      Verifier.Report found = new Verifier(conn, source, target, Duration.ZERO, Clock.systemUTC())
          .verify("repair", true, true);
      assertThat(found.mismatches()).isEqualTo(1);

      // while repair copies, the live writer deletes 5 of the missing documents from both clusters (the target
      // has none of them): repair has read them already, and writes them back
      AtomicReference<List<DocKey>> deletedLive = new AtomicReference<>();
      SearchStore hooked = new LiveDeletesIT.LiveWriterHook(source, (asked, answer) -> { }, page -> {
        if (deletedLive.get() != null || page.docs().isEmpty()) return;
        List<DocKey> gone = lost.subList(0, 5);
        assertThat(source.deleteIfUnchanged(source.versions(gone))).hasSize(5);
        deletedLive.set(gone);
      });
      Repairer.Result r = new Repairer(conn, hooked, target, FieldMapping.NONE, Duration.ofMillis(500))
          .repair("repair", false);
      assertThat(deletedLive.get()).as("the live writer acted during the repair").isNotNull();
      assertThat(r.created()).isEqualTo(20);
      assertThat(r.deletedAfterRecheck()).as("written by repair, deleted live meanwhile").isEqualTo(5);
      target.makeVisible();
      assertThat(target.existingIds(lost)).as("15 repaired, 5 stay deleted")
          .hasSize(15).doesNotContainAnyElementsOf(deletedLive.get().stream().map(DocKey::id).toList());
      assertThat(new Verifier(conn, source, target, Duration.ZERO, Clock.systemUTC()).verify("repair", true, true)
          .clean()).isTrue();
    }
  }
}

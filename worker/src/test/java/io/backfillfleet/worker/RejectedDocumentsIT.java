package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.DeadLetters;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.RejectedDoc;
import io.backfillfleet.coordinator.SliceBoard;
import io.backfillfleet.coordinator.SliceClaim;
import io.backfillfleet.coordinator.SliceRejections;
import io.backfillfleet.coordinator.SliceState;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.FieldMapping;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreException;
import io.backfillfleet.store.Stores;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rejected documents on real stores and ZooKeeper: the target refuses documents whose 'bad_s' (a string) is renamed
 * onto its integer field 'n'.
 */
class RejectedDocumentsIT {
  private static final FieldMapping BAD_S_ONTO_N = new FieldMapping(Map.of("bad_s", "n"), Set.of());
  @TempDir Path dir;

  /** 300 good documents of tenant-0 and {@code bad} the target rejects, the oldest of all (the first page). */
  private static List<Doc> withRejected(int bad) {
    List<Doc> docs = new ArrayList<>(FleetFixture.timed(300, 5));
    for (int i = 0; i < bad; i++) {
      Map<String, Object> f = new LinkedHashMap<>(FleetFixture.doc("tenant-0", "bad-" + i,
          FleetFixture.T0.minusSeconds(10 + i), "backfill").fields());
      f.put("bad_s", "not-a-number");
      docs.add(new Doc("bad-" + i, f));
    }
    return docs;
  }

  /**
   * A holder writes the page with rejected documents, records them, and fails reading its third page (before any
   * checkpoint); the next holder copies the slice again from its start and records the same rejections again. ZooKeeper
   * holds one node for the slice, counting each rejected document once. (Before: a node per page and holder, six
   * entries for three documents.)
   */
  @Test
  void rejectionsRecordedAgainByTheNextHolderAreCountedOnceInOneNode() throws Exception {
    FleetFixture fx = FleetFixture.elasticsearch();
    FleetFixture.write(fx.source, withRejected(3));
    fx.publish("again", 1_000_000, BAD_S_ONTO_N);
    try (SearchStore source = Stores.open("source", fx.source); SearchStore target = Stores.open("target", fx.target);
         CoordinatorConnection conn = fx.connect();
         SliceBoard board = new SliceBoard(conn, "again").start(Duration.ofSeconds(10))) {
      AtomicInteger reads = new AtomicInteger();
      SearchStore failsOnItsThirdRead = new FailingReads(source, () -> reads.incrementAndGet() == 3);
      SliceClaim first = board.claimNext("w1").orElseThrow();
      assertThat(copier(failsOnItsThirdRead, target, conn).copy(first, () -> false))
          .isEqualTo(SliceCopier.Outcome.FAILED_WILL_RETRY);
      List<SliceRejections> afterFirst = new DeadLetters(conn).list("again");
      assertThat(afterFirst).hasSize(1);
      assertThat(afterFirst.get(0).count()).isEqualTo(3);

      SliceClaim second = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> board.claimNext("w2"), java.util.Optional::isPresent).orElseThrow();
      assertThat(second.work().cursor()).as("nothing was checkpointed: copied again from the start").isNull();
      assertThat(copier(source, target, conn).copy(second, () -> false)).isEqualTo(SliceCopier.Outcome.COMPLETED);

      assertThat(conn.curator().checkExists().forPath(new DeadLetters(conn).path("again", second.sliceId())))
          .as("one node for the slice, in its bucket").isNotNull();
      List<SliceRejections> all = new DeadLetters(conn).list("again");
      assertThat(all).hasSize(1);
      assertThat(all.get(0).count()).isEqualTo(3);
      assertThat(all.get(0).epoch()).isEqualTo(2);
      assertThat(all.get(0).sample()).extracting(RejectedDoc::id).containsExactlyInAnyOrder("bad-0", "bad-1", "bad-2");
      WorkNode done = new JobStatusReader(conn).read("again").slices().get(second.sliceId());
      assertThat(done.state()).isEqualTo(SliceState.DONE);
      assertThat(done.docsRejected()).isEqualTo(3);
    }
  }

  /**
   * A job that tolerates two rejected documents: the slice with five fails for good, with the reason, and every
   * rejection is in the file the job names.
   */
  @Test
  void aSlicePastTheJobsToleranceFailsWithTheReasonAndTheFileListsEveryRejection() throws Exception {
    FleetFixture fx = FleetFixture.elasticsearch();
    FleetFixture.write(fx.source, withRejected(5));
    Path file = dir.resolve("rejected-{worker}.jsonl");
    fx.publish("tolerance", 1_000_000, BAD_S_ONTO_N, Map.of(
        "errors", Map.of("tolerance", "all", "maxRejected", 2),
        "rejected", Map.of("file", file.toString())));
    try (CoordinatorConnection c = fx.connect()) {
      FleetWorker worker = new FleetWorker(c, "tolerance", WorkerSettings.defaults("w7").withPageSize(100)
          .withSettleDelay(Duration.ofMillis(300)));
      assertThat(worker.run()).isEqualTo(FleetWorker.Result.NO_WORK_LEFT);
      WorkNode w = new JobStatusReader(c).read("tolerance").slices().values().iterator().next();
      assertThat(w.state()).as("failed for good: copying it again cannot help").isEqualTo(SliceState.FAILED);
      assertThat(w.attempts()).isEqualTo(1);
      assertThat(w.lastError()).startsWith("5 of 100 documents rejected, more than the job's errors.maxRejected (2);"
          + " first: bad-").contains("see 'backfill rejected --job tolerance'");
      assertThat(new DeadLetters(c).list("tolerance").get(0).count()).isEqualTo(5);
    }
    List<String> lines = Files.readAllLines(dir.resolve("rejected-w7.jsonl"));
    assertThat(lines).hasSize(5);
    ObjectMapper json = new ObjectMapper();
    List<String> ids = new ArrayList<>();
    for (String line : lines) {
      JsonNode n = json.readTree(line);
      assertThat(n.get("slice").asText()).isNotBlank();
      assertThat(n.get("reason").asText()).isNotBlank();
      assertThat(n.get("time").asText()).isNotBlank();
      ids.add(n.get("id").asText());
    }
    assertThat(ids).containsExactlyInAnyOrder("bad-0", "bad-1", "bad-2", "bad-3", "bad-4");
  }

  private static SliceCopier copier(SearchStore source, SearchStore target, CoordinatorConnection conn) {
    return new SliceCopier(source, target, new io.backfillfleet.store.DocConverter(BAD_S_ONTO_N, target.fields()), RejectionRecorder.toZooKeeper(conn),
        WorkerSettings.defaults("w").withPageSize(100).withSettleDelay(Duration.ofMillis(300)), new WorkerMetrics(),
        new Throttle(), new PauseGate(() -> false), Executors.newSingleThreadExecutor(), new PageMemoryBudget(64 << 20),
        3);
  }

  /** The real source, whose page reads fail when {@code failNow} says so (a source error mid-slice). */
  private static final class FailingReads extends ForwardingSearchStore {
    private final java.util.function.BooleanSupplier failNow;

    FailingReads(SearchStore real, java.util.function.BooleanSupplier failNow) {
      super(real);
      this.failNow = failNow;
    }

    @Override
    public WindowReader reader(String tenant, TimeWindow window, Cursor after) {
      WindowReader r = real.reader(tenant, window, after);
      return new WindowReader() {
        @Override
        public Page readPage(int pageSize) {
          if (failNow.getAsBoolean()) throw new StoreException("the source failed this read");
          return r.readPage(pageSize);
        }

        @Override
        public void close() {
          r.close();
        }
      };
    }
  }
}

package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.DeadLetters;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.SliceBoard;
import io.backfillfleet.coordinator.SliceClaim;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.DocKey;
import io.backfillfleet.store.FieldMapping;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.Stores;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import io.backfillfleet.testkit.ElasticsearchNode;
import io.backfillfleet.testkit.SolrTestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The resurrection guard's counted first look (one search per written page instead of a real-time get per id), on
 * real clusters with a live delete after the first page is read: used where the source's searches see a delete
 * within the settle delay, and never where they do not (a search would still count the deleted documents, and
 * they would come back).
 */
class SearchRecheckIT {

  static Stream<String> engines() {
    return Stream.of("solr", "elasticsearch");
  }

  @ParameterizedTest
  @MethodSource("engines")
  void aSourceThatRefreshesWithinTheSettleDelayIsCountedAndLiveDeletesStayDeleted(String engine) throws Exception {
    Run run = copyWithLiveDeletes(engine, "counted", Duration.ofMillis(200), Duration.ofSeconds(1));
    assertThat(run.deletedStillSearchable).as("the deletes were searchable by the re-check").isZero();
    assertThat(run.resurrected).as("not resurrected").isEmpty();
    assertThat(run.deletedByRecheck).isEqualTo(10);
    // pages of 100: the first page (with the deletes) falls short of its count and is looked up id by id
    assertThat(run.metrics.recheckLookedUp.getCount()).isEqualTo(100);
    assertThat(run.metrics.recheckCounted.getCount()).isEqualTo(400);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void aSourceThatRefreshesLaterThanTheSettleDelayIsLookedUpIdByIdAndNothingIsResurrected(String engine)
      throws Exception {
    Run run = copyWithLiveDeletes(engine, "slow", Duration.ofSeconds(60), Duration.ofMillis(500));
    // what a count would have seen: every deleted document still there, so it would have vouched for the page
    assertThat(run.deletedStillSearchable).as("the deletes are not searchable yet").isEqualTo(10);
    assertThat(run.resurrected).as("not resurrected").isEmpty();
    assertThat(run.deletedByRecheck).isEqualTo(10);
    assertThat(run.metrics.recheckCounted.getCount()).as("no page vouched for by a count").isZero();
    assertThat(run.metrics.recheckLookedUp.getCount()).isEqualTo(500);
  }

  /** Sources whose pages carry key-range proofs: Elasticsearch, Solr read through /export and with cursorMark. */
  static Stream<String> rangedSources() {
    return Stream.of("solr-export", "solr", "elasticsearch");
  }

  @ParameterizedTest
  @MethodSource("rangedSources")
  void pagesAreCountedByTheirKeyRangesAndLiveInsertsIntoARangeCannotHideItsDeletes(String engine) throws Exception {
    Run run = copyWithLiveDeletes(engine, "ranged", Duration.ofMillis(200), Duration.ofSeconds(1), true);
    assertThat(run.resurrected).as("not resurrected").isEmpty();
    assertThat(run.deletedByRecheck).isEqualTo(10);
    // the first page lost 10 documents and gained 10 with old timestamps: its range count falls short (the inserts
    // are stamped after the watermark), so does its id count, and it is looked up id by id; the others are ranged
    assertThat(run.metrics.recheckLookedUp.getCount()).isEqualTo(100);
    assertThat(run.metrics.recheckRanged.getCount()).isEqualTo(400);
    assertThat(run.metrics.recheckCounted.getCount()).isEqualTo(400);
    // the five pages are due within seconds of each other: their ranges are counted together (the first page's
    // shortfall sends it alone to a count of its own, then to the id paths), fewer counts than pages
    assertThat(run.metrics.recheckRangeCounts.getCount()).as("range counts for 5 pages").isBetween(2L, 4L);
  }

  private record Run(WorkerMetrics metrics, long deletedStillSearchable, List<String> resurrected, long deletedByRecheck) {}

  /**
   * Copies one slice of 500 documents in pages of 100 from a source whose searches see changes after
   * {@code visibility}; after the first page is read, a live delete removes ten of its documents from the source.
   */
  private static Run copyWithLiveDeletes(String engine, String job, Duration visibility, Duration settle)
      throws Exception {
    return copyWithLiveDeletes(engine, job, visibility, settle, false);
  }

  /**
   * As above; with {@code ranged}, the source's first reads wait until its pages carry key-range proofs (a
   * watermark snapshot old enough), and the live writer also inserts ten documents with old timestamps into the
   * first page's key range, which a count of the range without a watermark would take for the deleted ones.
   */
  private static Run copyWithLiveDeletes(String engine, String job, Duration visibility, Duration settle,
      boolean ranged) throws Exception {
    FleetFixture fx = FleetFixture.of(engine);
    FleetFixture.write(fx.source, FleetFixture.timed(500, 5));
    setSearchVisibility(fx.source, visibility);
    fx.publish(job, 1_000_000, null);
    AtomicReference<List<String>> deletedLive = new AtomicReference<>();
    WorkerMetrics metrics = new WorkerMetrics();
    try (SearchStore source = Stores.open("source", fx.source); SearchStore target = Stores.open("target", fx.target);
         CoordinatorConnection conn = fx.connect();
         SliceBoard board = new SliceBoard(conn, job).start(Duration.ofSeconds(10))) {
      assertThat(source.searchVisibility().bound()).isEqualTo(visibility);
      if (ranged) {
        TimeWindow all = TimeWindow.of(FleetFixture.T0, FleetFixture.T0.plus(Duration.ofDays(6)));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
          try (WindowReader r = source.reader("tenant-0", all, Cursor.START)) {
            return r.readPage(100).rangesCoverDocs();
          }
        });
      }
      SearchStore hooked = new LiveDeletesIT.LiveWriterHook(source, (asked, answer) -> { }, page -> {
        if (deletedLive.get() != null) return;
        List<String> delete = page.docs().stream().map(Doc::id).toList().subList(0, 10);
        assertThat(source.deleteIfUnchanged(source.versions(keys(delete)))).hasSize(10);
        if (ranged) { // same timestamps as documents inside the page: the inserts land inside its key range
          List<Doc> late = page.docs().subList(40, 50).stream().map(d -> FleetFixture.doc("tenant-0",
              "late-" + d.id(), Instant.parse(String.valueOf(d.fields().get("ts"))), "live")).toList();
          assertThat(source.createIfAbsent(late).created()).hasSize(10);
        }
        deletedLive.set(List.copyOf(delete));
      });
      SliceCopier copier = new SliceCopier(hooked, target, new io.backfillfleet.store.DocConverter(FieldMapping.NONE, target.fields()),
          RejectionRecorder.toZooKeeper(conn),
          WorkerSettings.defaults("w").withPageSize(100).withSettleDelay(settle), metrics, new Throttle(),
          new PauseGate(() -> false), Executors.newSingleThreadExecutor(), new PageMemoryBudget(64 << 20), 3);
      SliceClaim claim = board.claimNext("w").orElseThrow();
      assertThat(copier.copy(claim, () -> false)).isEqualTo(SliceCopier.Outcome.COMPLETED);
      long stillSearchable = source.countSearchable(keys(deletedLive.get())).orElseThrow();
      target.makeVisible();
      List<String> resurrected = List.copyOf(target.existingIds(keys(deletedLive.get())));
      WorkNode w = new JobStatusReader(conn).read(job).slices().values().iterator().next();
      return new Run(metrics, stillSearchable, resurrected, w.docsDeletedAfterRecheck());
    }
  }

  /** Elasticsearch's refresh interval or Solr's soft commit, as the source's operators would set it. */
  static void setSearchVisibility(StoreConfig source, Duration d) throws Exception {
    if (source.engineKind() == io.backfillfleet.store.Engine.ELASTICSEARCH) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
              ElasticsearchNode.es8().httpUrl() + "/" + source.collection() + "/_settings"))
          .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
              "{\"index\":{\"refresh_interval\":\"" + d.toMillis() + "ms\"}}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    } else {
      SolrTestCluster.legacy().softCommitEvery(source.collection(), d);
    }
  }

  private static List<DocKey> keys(List<String> ids) {
    return ids.stream().map(DocKey::of).toList();
  }
}

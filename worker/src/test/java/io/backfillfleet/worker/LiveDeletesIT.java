package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.DeadLetters;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.SliceBoard;
import io.backfillfleet.coordinator.SliceClaim;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.FieldMapping;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.Stores;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Live deletes land between the backfill's read of a page and its write: the re-check removes the resurrected
 * documents from the target, and keeps a live re-create. Real stores; the only test hook is when the live
 * writer acts (right after the first page is read).
 */
class LiveDeletesIT {

  static Stream<String> engines() {
    return Stream.of("solr", "elasticsearch");
  }

  @ParameterizedTest
  @MethodSource("engines")
  void documentsDeletedLiveAfterTheReadAreNotResurrectedAndLiveRecreatesSurvive(String engine) throws Exception {
    FleetFixture fx = engine.equals("solr") ? FleetFixture.solr() : FleetFixture.elasticsearch();
    List<Doc> docs = FleetFixture.timed(500, 5);
    FleetFixture.write(fx.source, docs);
    fx.publish("deletes", 1_000_000, null);
    AtomicReference<List<String>> deletedLive = new AtomicReference<>();
    AtomicReference<List<String>> recreatedLive = new AtomicReference<>();
    try (SearchStore source = Stores.open("source", fx.source); SearchStore target = Stores.open("target", fx.target);
         CoordinatorConnection conn = fx.connect();
         SliceBoard board = new SliceBoard(conn, "deletes").start(Duration.ofSeconds(10))) {
      SearchStore liveWriterAfterFirstRead = new LiveWriterHook(source, page -> {
        if (deletedLive.get() != null) return;
        List<String> ids = page.docs().stream().map(Doc::id).toList();
        List<String> delete = ids.subList(0, 10);
        List<String> recreate = ids.subList(10, 13);
        // the live writer deletes in both clusters (the target has none of them yet) ...
        Map<String, String> v = source.versions(List.copyOf(ids.subList(0, 13)));
        assertThat(source.deleteIfUnchanged(v)).hasSize(13);
        // ... and re-creates three of them, in both clusters, as whole new documents
        List<Doc> fresh = recreate.stream().map(id -> FleetFixture.doc("tenant-0", id, FleetFixture.T0.plusSeconds(1),
            "live")).toList();
        source.createIfAbsent(fresh);
        target.createIfAbsent(fresh);
        deletedLive.set(List.copyOf(delete));
        recreatedLive.set(List.copyOf(recreate));
      });
      SliceCopier copier = new SliceCopier(liveWriterAfterFirstRead, target, FieldMapping.NONE, new DeadLetters(conn),
          WorkerSettings.defaults("w").withPageSize(100).withSettleDelay(Duration.ofMillis(300)), new WorkerMetrics(),
          new Throttle(), new PauseGate(() -> false), Executors.newSingleThreadExecutor(), 3);
      SliceClaim claim = board.claimNext("w").orElseThrow();
      assertThat(copier.copy(claim, () -> false)).isEqualTo(SliceCopier.Outcome.COMPLETED);

      target.makeVisible();
      assertThat(target.existingIds(deletedLive.get())).as("not resurrected").isEmpty();
      Map<String, Object> origin = new HashMap<>();
      try (WindowReader r = target.reader("tenant-0", TimeWindow.of(FleetFixture.T0, FleetFixture.T0.plusSeconds(86_400L * 6)),
          Cursor.START)) {
        for (Page p = r.readPage(1000); ; p = r.readPage(1000)) {
          p.docs().forEach(d -> origin.put(d.id(), d.fields().get("origin")));
          if (p.last()) break;
        }
      }
      assertThat(origin).hasSize(490);
      for (String id : recreatedLive.get()) assertThat(origin.get(id)).as(id).isEqualTo("live");
      WorkNode w = new JobStatusReader(conn).read("deletes").slices().values().iterator().next();
      assertThat(w.docsDeletedAfterRecheck()).isEqualTo(10);
      assertThat(w.docsAlreadyPresent()).isEqualTo(3);
    }
  }

  /** The real source store, with a live writer acting right after each page is read. */
  private static final class LiveWriterHook implements SearchStore {
    private final SearchStore real;
    private final java.util.function.Consumer<Page> afterRead;

    LiveWriterHook(SearchStore real, java.util.function.Consumer<Page> afterRead) {
      this.real = real;
      this.afterRead = afterRead;
    }

    @Override
    public WindowReader reader(String tenant, TimeWindow window, Cursor after) {
      WindowReader r = real.reader(tenant, window, after);
      return new WindowReader() {
        @Override
        public Page readPage(int pageSize) {
          Page p = r.readPage(pageSize);
          afterRead.accept(p);
          return p;
        }

        @Override
        public void close() {
          r.close();
        }
      };
    }

    @Override public List<io.backfillfleet.store.TenantSpan> tenants() { return real.tenants(); }
    @Override public io.backfillfleet.store.Histogram histogram(String t, TimeWindow w, Duration b) { return real.histogram(t, w, b); }
    @Override public long count(String t, TimeWindow w) { return real.count(t, w); }
    @Override public java.util.Set<String> existingIds(java.util.Collection<String> ids) { return real.existingIds(ids); }
    @Override public void makeVisible() { real.makeVisible(); }
    @Override public io.backfillfleet.store.WriteResult createIfAbsent(List<Doc> d) { return real.createIfAbsent(d); }
    @Override public Map<String, String> versions(java.util.Collection<String> ids) { return real.versions(ids); }
    @Override public List<String> deleteIfUnchanged(Map<String, String> v) { return real.deleteIfUnchanged(v); }
    @Override public void close() { }
  }
}

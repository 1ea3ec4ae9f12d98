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
import io.backfillfleet.store.DocKey;
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
    FleetFixture fx = FleetFixture.of(engine);
    List<Doc> docs = FleetFixture.timed(500, 5);
    FleetFixture.write(fx.source, docs);
    fx.publish("deletes", 1_000_000, null);
    AtomicReference<List<String>> deletedLive = new AtomicReference<>();
    AtomicReference<List<String>> recreatedLive = new AtomicReference<>();
    try (SearchStore source = Stores.open("source", fx.source); SearchStore target = Stores.open("target", fx.target);
         CoordinatorConnection conn = fx.connect();
         SliceBoard board = new SliceBoard(conn, "deletes").start(Duration.ofSeconds(10))) {
      SearchStore liveWriterAfterFirstRead = new LiveWriterHook(source, (asked, answer) -> { }, page -> {
        if (deletedLive.get() != null) return;
        List<String> ids = page.docs().stream().map(Doc::id).toList();
        List<String> delete = ids.subList(0, 10);
        List<String> recreate = ids.subList(10, 13);
        // the live writer deletes in both clusters (the target has none of them yet) ...
        Map<DocKey, String> v = source.versions(keys(ids.subList(0, 13)));
        assertThat(source.deleteIfUnchanged(v)).hasSize(13);
        // ... and re-creates three of them, in both clusters, as whole new documents
        List<Doc> fresh = recreate.stream().map(id -> FleetFixture.doc("tenant-0", id, FleetFixture.T0.plusSeconds(1),
            "live")).toList();
        source.createIfAbsent(fresh);
        target.createIfAbsent(fresh);
        deletedLive.set(List.copyOf(delete));
        recreatedLive.set(List.copyOf(recreate));
      });
      copyTheOnlySlice(liveWriterAfterFirstRead, target, conn, board, Duration.ofMillis(300));

      target.makeVisible();
      assertThat(target.existingIds(keys(deletedLive.get()))).as("not resurrected").isEmpty();
      Map<String, Object> origin = originsInTarget(target);
      assertThat(origin).hasSize(490);
      for (String id : recreatedLive.get()) assertThat(origin.get(id)).as(id).isEqualTo("live");
      WorkNode w = new JobStatusReader(conn).read("deletes").slices().values().iterator().next();
      assertThat(w.docsDeletedAfterRecheck()).isEqualTo(10);
      assertThat(w.docsAlreadyPresent()).isEqualTo(3);
    }
  }

  /**
   * The re-check asks the source, then looks at the target. A live re-create landing in between (legacy first, or
   * the new cluster first within the dual-writer's lag) must survive: deleting at the version read after the source
   * answered would delete the live document itself.
   */
  @ParameterizedTest
  @MethodSource("engines")
  void aLiveRecreateRightAfterTheSourceSaidGoneSurvives(String engine) throws Exception {
    FleetFixture fx = FleetFixture.of(engine);
    List<Doc> docs = FleetFixture.timed(300, 5);
    FleetFixture.write(fx.source, docs);
    fx.publish("race", 1_000_000, null);
    AtomicReference<List<String>> deletedLive = new AtomicReference<>();
    AtomicReference<Thread> lateLegacyWrite = new AtomicReference<>();
    try (SearchStore source = Stores.open("source", fx.source); SearchStore target = Stores.open("target", fx.target);
         CoordinatorConnection conn = fx.connect();
         SliceBoard board = new SliceBoard(conn, "race").start(Duration.ofSeconds(10))) {
      SearchStore hooked = new LiveWriterHook(source, (asked, answer) -> {
        List<String> deleted = deletedLive.get();
        if (deleted == null || lateLegacyWrite.get() != null || !asked.contains(deleted.get(0))
            || answer.contains(deleted.get(0))) {
          return;
        }
        // the source has just said both are gone; now the live writer re-creates them as whole new documents:
        // the first in legacy, then in the new cluster ...
        Doc first = FleetFixture.doc("tenant-0", deleted.get(0), FleetFixture.T0.plusSeconds(1), "live");
        source.createIfAbsent(List.of(first));
        replaceInTarget(target, first);
        // ... the second in the new cluster first, and in legacy 200 ms later (inside the settle delay)
        Doc second = FleetFixture.doc("tenant-0", deleted.get(1), FleetFixture.T0.plusSeconds(1), "live");
        replaceInTarget(target, second);
        Thread late = new Thread(() -> {
          sleepMillis(200);
          source.createIfAbsent(List.of(second));
        });
        lateLegacyWrite.set(late);
        late.start();
      }, page -> {
        if (deletedLive.get() != null) return;
        // after the first read, the live writer deletes ten of its documents in both clusters (the target has none
        // of them yet): the backfill then writes them back, and its re-check must delete them again
        List<String> delete = page.docs().stream().map(Doc::id).toList().subList(0, 10);
        assertThat(source.deleteIfUnchanged(source.versions(keys(delete)))).hasSize(10);
        deletedLive.set(List.copyOf(delete));
      });
      copyTheOnlySlice(hooked, target, conn, board, Duration.ofSeconds(1));
      assertThat(lateLegacyWrite.get()).as("the live writer acted after the source said gone").isNotNull();
      lateLegacyWrite.get().join();

      target.makeVisible();
      List<String> deleted = deletedLive.get();
      assertThat(target.existingIds(keys(deleted))).as("the two live re-creates are kept, the other eight stay deleted")
          .containsExactlyInAnyOrder(deleted.get(0), deleted.get(1));
      Map<String, Object> origin = originsInTarget(target);
      assertThat(origin.get(deleted.get(0))).isEqualTo("live");
      assertThat(origin.get(deleted.get(1))).isEqualTo("live");
      assertThat(origin).hasSize(292);
      WorkNode w = new JobStatusReader(conn).read("race").slices().values().iterator().next();
      assertThat(w.docsDeletedAfterRecheck()).isEqualTo(8);
    }
  }

  private static List<DocKey> keys(List<String> ids) {
    return ids.stream().map(DocKey::of).toList();
  }

  /**
   * The dead-letter sink fails (ZooKeeper refuses the node: the rejected folder allows reading only) right after a
   * page with rejected documents was written. The page must still be re-checked: documents deleted live after the
   * read, then written back by this page, are deleted from the target again, although the slice fails.
   */
  @org.junit.jupiter.api.Test
  void aPageIsReCheckedEvenWhenRecordingItsRejectedDocumentsFails() throws Exception {
    FleetFixture fx = FleetFixture.elasticsearch();
    List<Doc> docs = new java.util.ArrayList<>(FleetFixture.timed(300, 5));
    for (int i = 0; i < 3; i++) { // the first page's oldest: the target refuses them ('bad_s' is renamed onto 'n')
      Map<String, Object> f = new java.util.LinkedHashMap<>(FleetFixture.doc("tenant-0", "bad-" + i,
          FleetFixture.T0.minusSeconds(10 + i), "backfill").fields());
      f.put("bad_s", "not-a-number");
      docs.add(new Doc("bad-" + i, f));
    }
    FleetFixture.write(fx.source, docs);
    fx.publish("sinkfails", 1_000_000, null);
    AtomicReference<List<String>> deletedLive = new AtomicReference<>();
    try (SearchStore source = Stores.open("source", fx.source); SearchStore target = Stores.open("target", fx.target);
         CoordinatorConnection conn = fx.connect();
         SliceBoard board = new SliceBoard(conn, "sinkfails").start(Duration.ofSeconds(10))) {
      String rejected = conn.layout("sinkfails").rejectedPath();
      for (String bucket : conn.curator().getChildren().forPath(rejected)) { // read-only: recording fails
        conn.curator().setACL().withACL(List.of(new org.apache.zookeeper.data.ACL(org.apache.zookeeper.ZooDefs.Perms.READ,
            org.apache.zookeeper.ZooDefs.Ids.ANYONE_ID_UNSAFE))).forPath(rejected + "/" + bucket);
      }
      SearchStore liveWriterAfterFirstRead = new LiveWriterHook(source, (asked, answer) -> { }, page -> {
        if (deletedLive.get() != null) return;
        List<String> delete = page.docs().stream().map(Doc::id).filter(id -> !id.startsWith("bad-")).limit(10).toList();
        assertThat(source.deleteIfUnchanged(source.versions(keys(delete)))).hasSize(10);
        deletedLive.set(delete);
      });
      SliceCopier copier = new SliceCopier(liveWriterAfterFirstRead, target,
          new io.backfillfleet.store.DocConverter(new FieldMapping(Map.of("bad_s", "n"), java.util.Set.of()),
              target.fields()), RejectionRecorder.toZooKeeper(conn),
          WorkerSettings.defaults("w").withPageSize(100).withSettleDelay(Duration.ofMillis(300)), new WorkerMetrics(),
          new Throttle(), new PauseGate(() -> false), Executors.newSingleThreadExecutor(),
          new PageMemoryBudget(64 << 20), 3);
      SliceClaim claim = board.claimNext("w").orElseThrow();
      assertThat(copier.copy(claim, () -> false)).as("recording the rejections failed")
          .isEqualTo(SliceCopier.Outcome.FAILED_WILL_RETRY);

      target.makeVisible();
      assertThat(target.existingIds(keys(List.of("bad-0", "bad-1", "bad-2")))).as("the target rejected them").isEmpty();
      assertThat(target.existingIds(keys(deletedLive.get()))).as("re-checked, so not resurrected").isEmpty();
    }
  }

  /** One worker copies the job's only slice, in pages of 100, to completion. */
  private static void copyTheOnlySlice(SearchStore source, SearchStore target, CoordinatorConnection conn,
      SliceBoard board, Duration settle) {
    SliceCopier copier = new SliceCopier(source, target, new io.backfillfleet.store.DocConverter(FieldMapping.NONE, target.fields()), RejectionRecorder.toZooKeeper(conn),
        WorkerSettings.defaults("w").withPageSize(100).withSettleDelay(settle), new WorkerMetrics(), new Throttle(),
        new PauseGate(() -> false), Executors.newSingleThreadExecutor(), new PageMemoryBudget(64 << 20), 3);
    SliceClaim claim = board.claimNext("w").orElseThrow();
    assertThat(copier.copy(claim, () -> false)).isEqualTo(SliceCopier.Outcome.COMPLETED);
  }

  /** A live upsert of a document the target already has: a new version of it. */
  private static void replaceInTarget(SearchStore target, Doc doc) {
    assertThat(target.deleteIfUnchanged(target.versions(List.of(doc.key())))).containsExactly(doc.id());
    assertThat(target.createIfAbsent(List.of(doc)).created()).hasSize(1);
  }

  private static Map<String, Object> originsInTarget(SearchStore target) {
    Map<String, Object> origin = new HashMap<>();
    try (WindowReader r = target.reader("tenant-0", TimeWindow.of(FleetFixture.T0, FleetFixture.T0.plusSeconds(86_400L * 6)),
        Cursor.START)) {
      for (Page p = r.readPage(1000); ; p = r.readPage(1000)) {
        p.docs().forEach(d -> origin.put(d.id(), d.fields().get("origin")));
        if (p.last()) return origin;
      }
    }
  }

  private static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms); // the dual-writer's lag between its two writes, on purpose
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The real source store, with a live writer acting right after each page is read or each id lookup. */
  static final class LiveWriterHook extends ForwardingSearchStore {
    private final java.util.function.BiConsumer<java.util.Collection<String>, java.util.Set<String>> afterLookup;
    private final java.util.function.Consumer<Page> afterRead;

    LiveWriterHook(SearchStore real,
        java.util.function.BiConsumer<java.util.Collection<String>, java.util.Set<String>> afterLookup,
        java.util.function.Consumer<Page> afterRead) {
      super(real);
      this.afterLookup = afterLookup;
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

    @Override public java.util.Set<String> existingIds(java.util.Collection<DocKey> keys) {
      java.util.Set<String> answer = real.existingIds(keys);
      afterLookup.accept(keys.stream().map(DocKey::id).toList(), answer);
      return answer;
    }
  }
}

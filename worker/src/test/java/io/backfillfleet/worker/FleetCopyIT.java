package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.DeadLetters;
import io.backfillfleet.coordinator.JobStatus;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.RejectedDoc;
import io.backfillfleet.coordinator.SliceRejections;
import io.backfillfleet.coordinator.SliceState;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.planner.Plan;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.FieldMapping;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.Stores;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Three workers copy a planned job of skewed tenants, with live documents already in the target. */
class FleetCopyIT {

  static Stream<String> engines() {
    return Stream.of("solr", "elasticsearch");
  }

  /**
   * A slice whose last page is written only waits out its settle delay; meanwhile the worker copies the next one. A
   * worker with one slice in flight is seen holding two claims at once, and still completes everything.
   */
  @org.junit.jupiter.api.Test
  void aSliceWaitingOutItsSettleDelayDoesNotHoldUpTheNextSlice() throws Exception {
    FleetFixture fx = FleetFixture.solr();
    FleetFixture.write(fx.source, FleetFixture.timed(600, 6));
    Plan plan = fx.publish("settle", 150, null);
    assertThat(plan.slices().size()).isGreaterThanOrEqualTo(3);
    WorkerSettings oneInFlight = new WorkerSettings("w", 1, 100, 5, null, null, null, null, Duration.ofSeconds(3),
        WorkerSettings.AUTO);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (CoordinatorConnection c = fx.connect(); CoordinatorConnection watcher = fx.connect()) {
      Future<FleetWorker.Result> run = pool.submit(() -> new FleetWorker(c, "settle", oneInFlight).run());
      org.awaitility.Awaitility.await("two slices claimed at once by a worker copying one at a time")
          .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
          .until(() -> new JobStatusReader(watcher).read("settle").claims().size() >= 2);
      assertThat(run.get(120, TimeUnit.SECONDS)).isEqualTo(FleetWorker.Result.NO_WORK_LEFT);
      JobStatus done = new JobStatusReader(watcher).read("settle");
      assertThat(done.slices().values()).allMatch(w -> w.state() == SliceState.DONE);
      assertThat(done.slices().values().stream().mapToLong(WorkNode::docsCreated).sum()).isEqualTo(600);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * With a page memory budget smaller than one page, a worker with eight slices in flight reads one page at a time
   * (each waits for the page before it to be written) and still completes every slice: memory bounds the copy, it
   * neither runs the heap out nor stalls it.
   */
  @org.junit.jupiter.api.Test
  void aPageMemoryBudgetSmallerThanOnePageCopiesOnePageAtATimeAndCompletes() throws Exception {
    FleetFixture fx = FleetFixture.elasticsearch();
    FleetFixture.write(fx.source, FleetFixture.timed(1200, 6));
    Plan plan = fx.publish("memory", 150, null);
    assertThat(plan.slices().size()).isGreaterThanOrEqualTo(6);
    WorkerSettings tight = new WorkerSettings("w", 8, 100, 5, null, null, null, null, Duration.ofMillis(300), 1024);
    try (CoordinatorConnection c = fx.connect()) {
      FleetWorker worker = new FleetWorker(c, "memory", tight);
      assertThat(worker.run()).isEqualTo(FleetWorker.Result.NO_WORK_LEFT);
      JobStatus done = new JobStatusReader(c).read("memory");
      assertThat(done.slices().values()).allMatch(w -> w.state() == SliceState.DONE);
      assertThat(done.slices().values().stream().mapToLong(WorkNode::docsCreated).sum()).isEqualTo(1200);
      assertThat(worker.metrics().pagesHeldAtOnceAtMost()).isEqualTo(1);
      assertThat(worker.metrics().readsThatWaitedForPageMemory()).isPositive();
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void threeWorkersCopyEverythingAndNeverOverwriteALiveDocument(String engine) throws Exception {
    FleetFixture fx = FleetFixture.of(engine);
    List<Doc> docs = new ArrayList<>(FleetFixture.skewed(new int[] {6000, 1500, 300, 200}, new int[] {20, 200, 900, 30}));
    for (int i = 0; i < 3; i++) { // the target will refuse these: 'bad_s' is renamed onto the integer field 'n'
      Map<String, Object> f = new LinkedHashMap<>(FleetFixture.doc("tenant-2", "bad-" + i, FleetFixture.T0.plusSeconds(i),
          "backfill").fields());
      f.put("bad_s", "not-a-number");
      docs.add(new Doc("bad-" + i, f));
    }
    FleetFixture.write(fx.source, docs);
    List<Doc> live = new ArrayList<>();
    for (int i = 0; i < 60; i += 2) live.add(FleetFixture.doc(i < 30 ? "tenant-0" : "tenant-1",
        (i < 30 ? "t0-" : "t1-") + i * 7, FleetFixture.T0.plusSeconds(i), "live"));
    FleetFixture.write(fx.target, live);

    Plan plan = fx.publish("copy", 700, new FieldMapping(Map.of("bad_s", "n"), Set.of()));
    assertThat(plan.slices().size()).isGreaterThan(10);

    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<CoordinatorConnection> conns = new ArrayList<>();
    List<Future<FleetWorker.Result>> results = new ArrayList<>();
    try {
      for (int w = 0; w < 3; w++) {
        CoordinatorConnection c = fx.connect();
        conns.add(c);
        WorkerSettings s = WorkerSettings.defaults("worker-" + w).withPageSize(200).withCheckpoints(3, Duration.ofSeconds(5))
            .withSettleDelay(Duration.ofMillis(300));
        results.add(pool.submit(() -> new FleetWorker(c, "copy", s).run()));
      }
      for (Future<FleetWorker.Result> r : results) assertThat(r.get(180, TimeUnit.SECONDS)).isEqualTo(FleetWorker.Result.NO_WORK_LEFT);
    } finally {
      pool.shutdownNow();
      conns.forEach(CoordinatorConnection::close);
    }

    TimeWindow all = TimeWindow.of(FleetFixture.T0.minusSeconds(86_400), FleetFixture.T0.plusSeconds(86_400L * 1000));
    Map<String, Long> perTenant = docs.stream().collect(Collectors.groupingBy(d -> (String) d.fields().get("tenant"),
        Collectors.counting()));
    try (SearchStore target = Stores.open("target", fx.target)) {
      target.makeVisible();
      for (var e : perTenant.entrySet()) {
        long expected = e.getValue() - (e.getKey().equals("tenant-2") ? 3 : 0);
        long actual = target.count(e.getKey(), all) + target.count(e.getKey(), TimeWindow.withoutTimestamp());
        assertThat(actual).as(e.getKey()).isEqualTo(expected);
      }
      Map<String, Object> origins = new HashMap<>();
      for (String tenant : List.of("tenant-0", "tenant-1")) {
        try (WindowReader r = target.reader(tenant, all, Cursor.START)) {
          for (Page p = r.readPage(1000); ; p = r.readPage(1000)) {
            p.docs().forEach(d -> origins.put(d.id(), d.fields().get("origin")));
            if (p.last()) break;
          }
        }
      }
      for (Doc d : live) assertThat(origins.get(d.id())).as(d.id()).isEqualTo("live");
    }
    try (CoordinatorConnection c = fx.connect()) {
      JobStatus status = new JobStatusReader(c).read("copy");
      assertThat(status.slices().values()).allSatisfy(w -> assertThat(w.state()).isEqualTo(SliceState.DONE));
      assertThat(status.claims()).isEmpty();
      long created = status.slices().values().stream().mapToLong(WorkNode::docsCreated).sum();
      long present = status.slices().values().stream().mapToLong(WorkNode::docsAlreadyPresent).sum();
      long rejected = status.slices().values().stream().mapToLong(WorkNode::docsRejected).sum();
      assertThat(present).isEqualTo(live.size());
      assertThat(rejected).isEqualTo(3);
      assertThat(created + present + rejected).isEqualTo(docs.size());
      List<SliceRejections> dead = new DeadLetters(c).list("copy");
      assertThat(dead.stream().flatMap(r -> r.sample().stream()).map(RejectedDoc::id))
          .containsExactlyInAnyOrder("bad-0", "bad-1", "bad-2");
      assertThat(dead.get(0).sample().get(0).reason()).isNotBlank();
      assertThat(dead.stream().mapToLong(SliceRejections::count).sum()).isEqualTo(3);
    }
  }
}

package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobControlStore;
import io.backfillfleet.coordinator.JobStatus;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.JobSummaryReader;
import io.backfillfleet.coordinator.SliceState;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.planner.Plan;
import io.backfillfleet.planner.SliceSpec;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.DocKey;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.Stores;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 on real servers: a job is planned, then one slice's window gets nine times its estimate of new documents in
 * the source (late data). Four workers copy it under a fleet budget of {@value #FLEET_DOCS_PER_SECOND} docs/s (so
 * each worker's rate is its share, as on a cluster sized for the fleet, and the two cores here are not what limits
 * it), while a live dual-writer creates and deletes documents in both clusters the whole time. With {@code --split
 * auto} the job ends close to (documents / the fleet's measured rate); with {@code --split off} one worker copies the
 * big slice alone long after the others went idle. Both copies are complete, nothing is resurrected, no live document
 * is overwritten, and verify (with ids) is clean.
 */
class SplitRunningSlicesIT {
  private static final long FLEET_DOCS_PER_SECOND = 1000;
  private static final int WORKERS = 4;
  private static final int BASE_DOCS = 8000;
  private static final int DAYS = 8;
  private static final String TENANT = "tenant-0";

  @Test
  void aSliceTenTimesItsEstimateIsSplitWhileItRunsAndTheJobEndsNearTheFleetsRate() throws Exception {
    FleetFixture fx = FleetFixture.elasticsearch();
    FleetFixture.write(fx.source, FleetFixture.timed(BASE_DOCS, DAYS));
    FleetFixture off = new FleetFixture(fx.source, FleetFixture.esIndex("w" + UUID.randomUUID().toString()
        .substring(0, 8) + "-off"));
    // both jobs are planned before the late data arrives, so both see the same wrong estimate
    Plan plan = fx.publish("split-auto", BASE_DOCS / 4, null);
    Plan offPlan = off.publish("split-off", BASE_DOCS / 4, null);
    assertThat(offPlan.slices()).isEqualTo(plan.slices());
    assertThat(plan.slices()).hasSizeBetween(3, 6);
    SliceSpec skewed = plan.slices().get(0);
    int late = (int) (9 * skewed.estimatedDocs());
    FleetFixture.write(fx.source, lateDocs(skewed.window(), late));
    long sourceDocs = BASE_DOCS + late;

    // live writes land inside the planned history: the off run's source also holds the auto run's live documents,
    // which reached only the auto run's target, and one outside every window would be no slice's to copy (verify
    // reports such a document as a coverage mismatch; a dual-writer would have written it to both targets)
    TimeWindow planned = TimeWindow.of(
        plan.slices().stream().map(sl -> sl.window().from()).min(Comparator.naturalOrder()).orElseThrow(),
        plan.slices().stream().map(sl -> sl.window().to()).max(Comparator.naturalOrder()).orElseThrow());
    Run withSplit = copy(fx, "split-auto", SplitSettings.AUTO, planned);
    Run withoutSplit = copy(off, "split-off", SplitSettings.OFF, planned);

    double ideal = sourceDocs / withSplit.fleetRate;
    System.out.printf(Locale.ROOT, "%n%-12s %10s %12s %10s %12s %8s%n", "split", "wall s", "fleet docs/s", "ideal s",
        "tail s", "slices");
    for (Run r : List.of(withSplit, withoutSplit)) {
      System.out.printf(Locale.ROOT, "%-12s %10.1f %12.0f %10.1f %12.1f %8d%n", r.mode, r.wallSeconds, r.fleetRate,
          sourceDocs / r.fleetRate, r.tailSeconds, r.slicesAtEnd);
    }
    assertThat(withSplit.slicesAtEnd).as("the big slice was split").isGreaterThan(plan.slices().size());
    assertThat(withoutSplit.slicesAtEnd).as("--split off splits nothing").isEqualTo(plan.slices().size());
    assertThat(withSplit.wallSeconds).as("with splitting, within 1.3x of documents / the fleet's rate")
        .isLessThanOrEqualTo(1.3 * ideal);
    assertThat(withoutSplit.wallSeconds).as("without, one worker copies the big slice alone: several times that")
        .isGreaterThanOrEqualTo(2.0 * sourceDocs / withoutSplit.fleetRate);
  }

  /**
   * Small tenants packed into shared slices, one of them given 30 times its documents after planning: the packed
   * slice that holds it splits too (inside that tenant's window or before a later tenant), and every tenant is copied
   * exactly and verifies clean.
   */
  @Test
  void aPackedSliceWithAMisEstimatedTenantSplitsToo() throws Exception {
    FleetFixture fx = FleetFixture.elasticsearch();
    List<Doc> docs = new ArrayList<>();
    for (int t = 0; t < 20; t++) {
      for (int j = 0; j < 100; j++) {
        docs.add(FleetFixture.doc(String.format("small-%02d", t), "p" + t + "-" + j,
            FleetFixture.T0.plusSeconds(86_400L * t + 600L * j), "backfill"));
      }
    }
    FleetFixture.write(fx.source, docs);
    Plan plan = fx.publish("packed-split", 1000, null);
    assertThat(plan.packed()).as("the small tenants are packed").isNotEmpty();
    WorkNode packed;
    String packedId;
    try (CoordinatorConnection c = fx.connect()) {
      Map.Entry<String, WorkNode> e = new JobStatusReader(c).read("packed-split").slices().entrySet().stream()
          .filter(x -> x.getValue().packed() && x.getValue().windows().size() >= 3).findFirst().orElseThrow();
      packedId = e.getKey();
      packed = e.getValue();
    }
    // the second tenant of that packed slice gets 30 times its documents late, inside its planned window: while the
    // other worker copies the other packed slice and goes idle, this one is still in the middle of that tenant
    io.backfillfleet.coordinator.SlicePart grown = packed.windows().get(1);
    List<Doc> late = new ArrayList<>();
    Random r = new Random(5);
    long span = grown.to().toEpochMilli() - grown.from().toEpochMilli();
    for (int i = 0; i < 30 * grown.estimatedDocs(); i++) {
      late.add(FleetFixture.doc(grown.tenant(), "late-" + i, grown.from().plusMillis((long) (r.nextDouble() * span)),
          "backfill"));
    }
    FleetFixture.write(fx.source, late);

    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<CoordinatorConnection> conns = new ArrayList<>();
    long splits = 0;
    try (CoordinatorConnection watch = fx.connect()) {
      new JobControlStore(watch).update("packed-split", c -> c.withMaxDocsPerSecond(400, "test", Instant.now()));
      List<FleetWorker> workers = new ArrayList<>();
      List<Future<FleetWorker.Result>> results = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        CoordinatorConnection c = fx.connect();
        conns.add(c);
        FleetWorker worker = new FleetWorker(c, "packed-split", new WorkerSettings("pw" + w, 1, 100, 3,
            Duration.ofSeconds(2), null, null, null, Duration.ofMillis(300), WorkerSettings.AUTO))
            .withSplitting(SplitSettings.AUTO.withMinRemaining(Duration.ofSeconds(2)).withMinDocs(200)
                .withCheckEvery(Duration.ofMillis(500)));
        workers.add(worker);
        results.add(pool.submit(worker::run));
      }
      for (Future<FleetWorker.Result> f : results) {
        assertThat(f.get(300, TimeUnit.SECONDS)).isEqualTo(FleetWorker.Result.NO_WORK_LEFT);
      }
      splits = workers.stream().mapToLong(w -> w.metrics().slicesSplit()).sum();
      JobStatus status = new JobStatusReader(watch).read("packed-split");
      assertThat(status.slices().values()).allSatisfy(w -> assertThat(w.state()).isEqualTo(SliceState.DONE));
      assertThat(splits).as("the packed slice was split").isPositive();
      assertThat(status.slices().get(packedId).lineage()).isNotNull();
      assertThat(status.slices().values().stream().filter(w -> w.lineage() != null
          && packedId.equals(w.lineage().splitFrom()))).as("successors of the packed slice").isNotEmpty();
      long created = status.slices().values().stream().mapToLong(WorkNode::docsCreated).sum();
      long present = status.slices().values().stream().mapToLong(WorkNode::docsAlreadyPresent).sum();
      assertThat(created).as("every document created once").isEqualTo(docs.size() + late.size());
      assertThat(present).as("nothing read by two parts").isZero();
      try (SearchStore source = Stores.open("source", fx.source); SearchStore target = Stores.open("target",
          fx.target)) {
        target.makeVisible();
        Verifier.Report report = new Verifier(watch, source, target, Duration.ZERO, Clock.systemUTC())
            .verify("packed-split", false, true);
        assertThat(report.clean()).as("verify with ids, per tenant window of every part").isTrue();
      }
    } finally {
      pool.shutdownNow();
      conns.forEach(CoordinatorConnection::close);
    }
  }

  /** One copy of a job by four workers with a live dual-writer, checked for completeness afterwards. */
  private static Run copy(FleetFixture fx, String job, SplitSettings split, TimeWindow planned) throws Exception {
    StoreConfig targetConfig = fx.target;
    SplitSettings quick = split.withMinRemaining(Duration.ofSeconds(3)).withMinDocs(500)
        .withCheckEvery(Duration.ofSeconds(1));
    LiveWriter live = new LiveWriter(fx.source, targetConfig, planned);
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS + 1);
    List<CoordinatorConnection> conns = new ArrayList<>();
    Run run;
    try (CoordinatorConnection watch = fx.connect()) {
      new JobControlStore(watch).update(job, c -> c.withMaxDocsPerSecond(FLEET_DOCS_PER_SECOND, "test", Instant.now()));
      Future<?> writer = pool.submit(live);
      long start = System.nanoTime();
      List<Future<FleetWorker.Result>> results = new ArrayList<>();
      List<FleetWorker> workers = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        CoordinatorConnection c = fx.connect();
        conns.add(c);
        WorkerSettings s = new WorkerSettings(job + "-w" + w, 1, 100, 3, Duration.ofSeconds(2), null, null, null,
            Duration.ofMillis(300), WorkerSettings.AUTO);
        FleetWorker worker = new FleetWorker(c, job, s).withSplitting(quick);
        workers.add(worker);
        results.add(pool.submit(worker::run));
      }
      RateWatch rates = new RateWatch(watch, job, start,
          () -> workers.stream().mapToLong(w -> w.metrics().docsRead()).sum());
      rates.until(() -> results.stream().allMatch(Future::isDone));
      for (Future<FleetWorker.Result> r : results) {
        assertThat(r.get(300, TimeUnit.SECONDS)).isEqualTo(FleetWorker.Result.NO_WORK_LEFT);
      }
      double wall = rates.jobEndedAt();
      live.stop();
      writer.get(60, TimeUnit.SECONDS);
      long splits = workers.stream().mapToLong(w -> w.metrics().slicesSplit()).sum();
      JobStatus status = new JobStatusReader(watch).read(job);
      run = new Run(split.auto() ? "auto" : "off", wall, rates.fleetRate(), rates.tailSeconds(wall),
          status.slices().size());
      assertThat(splits).as("one split counted per successor").isEqualTo(status.slices().size()
          - status.slices().values().stream().filter(n -> n.lineage() == null || n.lineage().splitFrom() == null)
          .count());
      checkComplete(fx, job, targetConfig, status, live, watch);
    } finally {
      live.stop();
      pool.shutdownNow();
      conns.forEach(CoordinatorConnection::close);
    }
    return run;
  }

  private static void checkComplete(FleetFixture fx, String job, StoreConfig targetConfig, JobStatus status,
      LiveWriter live, CoordinatorConnection conn) {
    assertThat(status.slices().values()).allSatisfy(w -> assertThat(w.state()).isEqualTo(SliceState.DONE));
    assertThat(status.claims()).isEmpty();
    // the windows of the plan's slices and their successors still tile the tenant's history: nothing read twice
    List<WorkNode> byStart = status.slices().values().stream().filter(w -> !w.missingTimestamp())
        .sorted(Comparator.comparing(WorkNode::from)).toList();
    for (int i = 1; i < byStart.size(); i++) {
      assertThat(byStart.get(i).from()).as("slice windows meet without overlap").isEqualTo(byStart.get(i - 1).to());
    }
    long alreadyPresent = status.slices().values().stream().mapToLong(WorkNode::docsAlreadyPresent).sum();
    assertThat(alreadyPresent).as("only live documents were found already present: none was copied twice")
        .isLessThanOrEqualTo(live.created.size());

    try (SearchStore source = Stores.open("source", fx.source); SearchStore target = Stores.open("target", targetConfig)) {
      source.makeVisible();
      target.makeVisible();
      TimeWindow all = TimeWindow.of(FleetFixture.T0.minusSeconds(86_400), FleetFixture.T0.plusSeconds(86_400L * 30));
      Map<String, Object> inSource = origins(source, all);
      Map<String, Object> inTarget = origins(target, all);
      Set<String> missing = new java.util.TreeSet<>(inSource.keySet());
      missing.removeAll(inTarget.keySet());
      Set<String> extra = new java.util.TreeSet<>(inTarget.keySet());
      extra.removeAll(inSource.keySet());
      // named one by one (the key sets are too large to read in a failure message), with what the live writer did
      assertThat(missing).as("source documents missing in the target (live deletes: %s)",
          missing.stream().filter(live.deleted::contains).toList()).isEmpty();
      assertThat(extra).as("target documents the source lacks (live deletes among them: %s)",
          extra.stream().filter(live.deleted::contains).toList()).isEmpty();
      assertThat(target.existingIds(live.deleted.stream().map(DocKey::of).toList())).as("not resurrected").isEmpty();
      for (String id : live.created) {
        if (inTarget.containsKey(id)) assertThat(inTarget.get(id)).as(id + " not overwritten").isEqualTo("live");
      }
      Verifier.Report report = new Verifier(conn, source, target, Duration.ZERO, Clock.systemUTC())
          .verify(job, false, true);
      assertThat(report.clean()).as("verify with ids over every part's window").isTrue();
      assertThat(report.results()).hasSize(status.slices().size());
    }
  }

  private static Map<String, Object> origins(SearchStore store, TimeWindow all) {
    Map<String, Object> out = new HashMap<>();
    try (WindowReader r = store.reader(TENANT, all, Cursor.START)) {
      for (Page p = r.readPage(2000); ; p = r.readPage(2000)) {
        p.docs().forEach(d -> out.put(d.id(), d.fields().get("origin")));
        if (p.last()) break;
      }
    }
    return out;
  }

  private static List<Doc> lateDocs(TimeWindow w, int n) {
    Random r = new Random(31);
    long span = w.to().toEpochMilli() - w.from().toEpochMilli();
    List<Doc> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(FleetFixture.doc(TENANT, "late-" + i, w.from().plusMillis((long) (r.nextDouble() * span)), "backfill"));
    }
    return out;
  }

  private record Run(String mode, double wallSeconds, double fleetRate, double tailSeconds, int slicesAtEnd) {}

  /**
   * Samples the documents the workers read (their own counters): the fleet's rate is measured while every worker
   * copies (from 2 s in to when the first worker goes idle); the job ends when its tallies say every slice is done (a
   * worker's exit afterwards waits out its idle back-off); the tail is the time from the first idle worker to the end.
   */
  private static final class RateWatch {
    private final CoordinatorConnection conn;
    private final String job;
    private final long start;
    private final java.util.function.LongSupplier docsRead;
    private double rate;
    private double firstIdleAt = -1;
    private double endedAt = -1;
    private double fromAt = -1;
    private long fromDocs;

    RateWatch(CoordinatorConnection conn, String job, long start, java.util.function.LongSupplier docsRead) {
      this.conn = conn;
      this.job = job;
      this.start = start;
      this.docsRead = docsRead;
    }

    double jobEndedAt() {
      assertThat(endedAt).as("the job was seen finished").isPositive();
      return endedAt;
    }

    /** Samples every 200 ms until {@code done}: each sample is one poll of the wait. */
    void until(java.util.function.BooleanSupplier done) {
      String idle = conn.layout(job).idlePath();
      org.awaitility.Awaitility.await("the workers finish").atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofMillis(200)).until(() -> {
            sample(idle);
            return done.getAsBoolean();
          });
      assertThat(firstIdleAt).as("a worker went idle while the job ran (the rate was measured)").isPositive();
    }

    private void sample(String idle) throws Exception {
      double t = (System.nanoTime() - start) / 1e9;
      long docs = docsRead.getAsLong();
      var summary = new JobSummaryReader(conn).read(job);
      if (endedAt < 0 && summary.slices() > 0 && summary.done() == summary.slices()) endedAt = t;
      var st = conn.curator().checkExists().forPath(idle);
      boolean someIdle = st != null && st.getNumChildren() > 0;
      if (fromAt < 0 && t >= 2) {
        fromAt = t;
        fromDocs = docs;
      }
      if (fromAt >= 0 && firstIdleAt < 0 && someIdle && t > fromAt + 1) {
        firstIdleAt = t;
        rate = (docs - fromDocs) / (t - fromAt);
      }
    }

    double fleetRate() {
      return rate;
    }

    double tailSeconds(double wall) {
      return wall - firstIdleAt;
    }
  }

  /**
   * The dual-writer of step 1: new documents into both clusters (the new cluster first, as a dual-writer racing the
   * backfill does), and deletes of copied history from both, all the time the copy runs.
   */
  private static final class LiveWriter implements Runnable {
    final Set<String> created = ConcurrentHashMap.newKeySet();
    final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private final StoreConfig sourceConfig;
    private final StoreConfig targetConfig;
    private final TimeWindow planned;
    private final AtomicBoolean stop = new AtomicBoolean();

    LiveWriter(StoreConfig source, StoreConfig target, TimeWindow planned) {
      this.sourceConfig = source;
      this.targetConfig = target;
      this.planned = planned;
    }

    void stop() {
      stop.set(true);
    }

    @Override
    public void run() {
      String run = UUID.randomUUID().toString().substring(0, 6);
      Random r = new Random(run.hashCode());
      com.google.common.util.concurrent.RateLimiter pace = com.google.common.util.concurrent.RateLimiter.create(20);
      try (SearchStore source = Stores.open("source", sourceConfig); SearchStore target = Stores.open("target",
          targetConfig)) {
        for (int n = 0; !stop.get(); n++) {
          pace.acquire(); // the live traffic's pace: 20 writes a second
          long span = planned.to().toEpochMilli() - planned.from().toEpochMilli();
          Instant ts = planned.from().plusMillis((long) (r.nextDouble() * span));
          Doc d = FleetFixture.doc(TENANT, "live-" + run + "-" + n, ts, "live");
          for (SearchStore cluster : List.of(target, source)) {
            var written = cluster.createIfAbsent(List.of(d));
            // a live write that did not land would be missing for a reason the backfill has nothing to do with
            if (written.created().size() != 1) throw new IllegalStateException("live write of " + d.id() + ": " + written);
          }
          created.add(d.id());
          if (n % 5 == 0) {
            List<DocKey> gone = new ArrayList<>();
            for (int k = 0; k < 2; k++) gone.add(DocKey.of(r.nextBoolean() ? "t0-" + r.nextInt(BASE_DOCS)
                : "late-" + r.nextInt(1000)));
            Set<String> ids = new HashSet<>();
            gone.forEach(k -> ids.add(k.id()));
            source.deleteIfUnchanged(source.versions(gone));
            target.deleteIfUnchanged(target.versions(gone));
            deleted.addAll(ids);
          }
        }
      }
    }
  }
}

package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.DeadLetters;
import io.backfillfleet.coordinator.JobStatus;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.SliceBoard;
import io.backfillfleet.coordinator.SliceClaim;
import io.backfillfleet.coordinator.SliceState;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.planner.PackedSlice;
import io.backfillfleet.planner.Plan;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.FieldMapping;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.Stores;
import io.backfillfleet.store.TimeWindow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The long tail of tiny tenants, packed: 300 tenants of 1 to 3 documents (some without a timestamp, and documents
 * without a tenant) make a handful of slices instead of 300; two workers copy them, one slice is stopped mid-way and
 * resumed by another worker from its packed cursor (and reconciled per tenant as a taken-over slice), and verify
 * compares every tenant's window. A document missing in the target for one tenant of a packed slice is reported
 * under that tenant, and repair fixes it.
 */
class PackedTenantsIT {
  static final int TENANTS = 300;

  static Stream<String> engines() {
    return Stream.of("elasticsearch", "solr");
  }

  static Doc doc(String tenant, String id, Instant ts) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("id", id);
    if (tenant != null) f.put("tenant", tenant);
    if (ts != null) f.put("ts", ts.toString());
    f.put("n", 1);
    f.put("origin", "backfill");
    return new Doc(id, f);
  }

  static String tenant(int i) {
    return String.format("small-%03d", i);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void tinyTenantsArePackedCopiedByTwoWorkersAndVerifiedPerTenant(String engine) throws Exception {
    FleetFixture fx = FleetFixture.of(engine);
    List<Doc> docs = new ArrayList<>();
    Map<String, Integer> perTenant = new HashMap<>();
    for (int t = 0; t < TENANTS; t++) {
      for (int j = 0; j <= t % 3; j++) {
        docs.add(doc(tenant(t), "s" + t + "-" + j, FleetFixture.T0.plusSeconds(3600L * t + 60L * j)));
      }
      if (t % 10 == 0) docs.add(doc(tenant(t), "s" + t + "-nots", null));
    }
    docs.add(doc(null, "no-tenant-1", FleetFixture.T0.plusSeconds(5)));
    docs.add(doc(null, "no-tenant-2", FleetFixture.T0.plusSeconds(7)));
    for (Doc d : docs) perTenant.merge(String.valueOf(d.fields().get("tenant")), 1, Integer::sum);
    FleetFixture.write(fx.source, docs);

    Plan plan = fx.publish("packed", 200, null);
    assertThat(plan.packed()).as("packed slices").isNotEmpty();
    assertThat(plan.packed().stream().mapToInt(p -> p.tenants().size()).sum()).isEqualTo(TENANTS + 1);
    assertThat(plan.sliceCount()).as("slices for %d tiny tenants", TENANTS).isLessThanOrEqualTo(6);
    PackedSlice first = plan.packed().get(0);

    try (CoordinatorConnection c = fx.connect()) {
      JobStatus published = new JobStatusReader(c).read("packed");
      assertThat(published.slices()).hasSize(plan.sliceCount());
      assertThat(published.slices().get(first.id()).windows()).hasSize(first.parts().size());
    }

    // a worker copies a few pages of a packed slice and stops: its checkpoint says which window and where in it
    String stoppedAt;
    try (SearchStore source = Stores.open("source", fx.source); SearchStore target = Stores.open("target", fx.target);
         CoordinatorConnection conn = fx.connect();
         SliceBoard board = new SliceBoard(conn, "packed").start(Duration.ofSeconds(10))) {
      SliceClaim claim = Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> board.claimNext("early"), Optional::isPresent).orElseThrow();
      assertThat(claim.work().packed()).isTrue();
      AtomicInteger pages = new AtomicInteger();
      SliceCopier copier = new SliceCopier(source, target, new io.backfillfleet.store.DocConverter(FieldMapping.NONE, target.fields()), RejectionRecorder.toZooKeeper(conn),
          WorkerSettings.defaults("early").withPageSize(7).withSettleDelay(Duration.ofMillis(200)), new WorkerMetrics(),
          new Throttle(), new PauseGate(() -> false), Executors.newSingleThreadExecutor(), new PageMemoryBudget(64 << 20),
          3);
      assertThat(copier.copy(claim, () -> pages.incrementAndGet() >= 4)).isEqualTo(SliceCopier.Outcome.STOPPED);
      WorkNode after = new JobStatusReader(conn).read("packed").slices().get(claim.sliceId());
      stoppedAt = after.cursor();
      assertThat(stoppedAt).as("a packed cursor past the first windows").matches("[1-9][0-9]*:.*");
      assertThat(after.docsRead()).as("whole pages of 7, filled across windows").isPositive()
          .satisfies(n -> assertThat(n % 7).isZero());
      assertThat(after.state()).isEqualTo(SliceState.PENDING);
    }

    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<CoordinatorConnection> conns = new ArrayList<>();
    try {
      List<Future<FleetWorker.Result>> results = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        CoordinatorConnection c = fx.connect();
        conns.add(c);
        WorkerSettings s = WorkerSettings.defaults("worker-" + w).withPageSize(50)
            .withSettleDelay(Duration.ofMillis(300));
        results.add(pool.submit(() -> new FleetWorker(c, "packed", s).run()));
      }
      for (Future<FleetWorker.Result> r : results) {
        assertThat(r.get(180, TimeUnit.SECONDS)).isEqualTo(FleetWorker.Result.NO_WORK_LEFT);
      }
    } finally {
      pool.shutdownNow();
      conns.forEach(CoordinatorConnection::close);
    }

    TimeWindow all = TimeWindow.of(FleetFixture.T0.minusSeconds(86_400), FleetFixture.T0.plusSeconds(86_400L * 400));
    try (SearchStore target = Stores.open("target", fx.target); CoordinatorConnection c = fx.connect()) {
      target.makeVisible();
      for (int t = 0; t < TENANTS; t++) {
        long copied = target.count(tenant(t), all) + target.count(tenant(t), TimeWindow.withoutTimestamp());
        assertThat(copied).as(tenant(t)).isEqualTo(perTenant.get(tenant(t)).longValue());
      }
      assertThat(target.count(null, all)).as("documents without a tenant").isEqualTo(2);
      JobStatus status = new JobStatusReader(c).read("packed");
      assertThat(status.slices().values()).allMatch(w -> w.state() == SliceState.DONE);
      assertThat(status.slices().values().stream().mapToLong(WorkNode::docsCreated).sum())
          .as("every document created once, the stopped slice resumed where it stopped").isEqualTo(docs.size());
      assertThat(status.slices().values().stream().filter(w -> w.epoch() > 1).count())
          .as("the stopped slice was taken over").isEqualTo(1);
    }

    try (SearchStore source = Stores.open("source", fx.source); SearchStore target = Stores.open("target", fx.target);
         CoordinatorConnection c = fx.connect()) {
      Verifier.Report clean = new Verifier(c, source, target, Duration.ofMillis(200), Clock.systemUTC())
          .verify("packed", false, true);
      assertThat(clean.clean()).as("verify --ids: %s", clean.results()).isTrue();
      assertThat(clean.results().stream().mapToInt(r -> r.windows().size()).sum())
          .as("every tenant window compared").isEqualTo(plan.slices().size());

      // one tenant of a packed slice gets a document the target lacks: verify names that tenant, and only it
      String victim = tenant(123);
      String victimSlice = plan.packedInto().get(plan.tenants().stream()
          .filter(t -> victim.equals(t.span().tenant())).findFirst().orElseThrow().slices().get(0).id());
      FleetFixture.write(fx.source, List.of(doc(victim, "late-123", FleetFixture.T0.plusSeconds(3600L * 123))));
      Verifier.Report mismatch = new Verifier(c, source, target, Duration.ofMillis(200), Clock.systemUTC())
          .verify("packed", true, true);
      assertThat(mismatch.mismatches()).isEqualTo(1);
      Verifier.SliceResult bad = mismatch.results().stream().filter(r -> !r.matches()).findFirst().orElseThrow();
      assertThat(bad.sliceId()).isEqualTo(victimSlice);
      assertThat(bad.mismatched()).hasSize(1);
      Verifier.WindowResult window = bad.mismatched().get(0);
      assertThat(window.tenant()).isEqualTo(victim);
      assertThat(window.missing()).containsExactly("late-123");
      assertThat(window.sourceCount()).isEqualTo(window.targetCount() + 1);

      Repairer.Result repaired = new Repairer(c, source, target, FieldMapping.NONE, Duration.ofMillis(200)).repair("packed", false);
      assertThat(repaired.slices()).isEqualTo(1);
      assertThat(repaired.created()).isEqualTo(1);
      assertThat(new Verifier(c, source, target, Duration.ofMillis(200), Clock.systemUTC()).verify("packed", true, true)
          .clean()).as("clean after repair").isTrue();
    }
  }
}

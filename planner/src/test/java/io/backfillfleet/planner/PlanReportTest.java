package io.backfillfleet.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.store.TenantSpan;
import io.backfillfleet.store.TimeWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanReportTest {
  static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  static SliceSpec slice(String tenant, int i, long docs, boolean hot) {
    return new SliceSpec(SliceIds.timeSlice(tenant, i), tenant, TimeWindow.of(T0.plusSeconds(3600L * i),
        T0.plusSeconds(3600L * (i + 1))), docs, hot);
  }

  static Plan plan() {
    TenantPlan busy = new TenantPlan(new TenantSpan("busy", 3000, T0, T0.plusSeconds(3 * 3600 - 1), 0),
        List.of(slice("busy", 0, 1000, false), slice("busy", 1, 1100, false), slice("busy", 2, 900, false)));
    TenantPlan odd = new TenantPlan(new TenantSpan("a,b <x>", 5000, T0, T0.plusSeconds(10), 0),
        List.of(slice("a,b <x>", 0, 5000, true)));
    return new Plan(List.of(busy, odd), 1000, 9);
  }

  @Test
  void totalsAndTenantLinesAreComputedFromTheSlices() {
    PlanReport r = new PlanReport(plan(), 1000, 2);
    PlanReport.TenantLine busy = r.tenants().get(0);
    assertThat(busy.slices()).isEqualTo(3);
    assertThat(busy.minSlice()).isEqualTo(900);
    assertThat(busy.medianSlice()).isEqualTo(1000);
    assertThat(busy.maxSlice()).isEqualTo(1100);
    assertThat(busy.workerHours()).isEqualTo(3000 / 1000.0 / 3600);
    PlanReport.Totals t = r.totals();
    assertThat(t.slices()).isEqualTo(4);
    assertThat(t.docs()).isEqualTo(8000);
    assertThat(t.balance()).isEqualTo(5000.0 / 1100);
    assertThat(t.wallClock()).isEqualTo(Duration.ofSeconds(5)); // the hot spot alone: 5000 docs at 1000/s
    assertThat(t.queries()).isEqualTo(9);
  }

  @Test
  void formatsCarryEveryTenantAndEscapeWhatTheyMust() {
    PlanReport r = new PlanReport(plan(), 1000, 2);
    assertThat(r.table()).contains("busy").contains("hot spot x1").contains("TOTAL: 2 tenants, 4 slices, 8000 documents");
    assertThat(r.csv().lines()).hasSize(3).anySatisfy(l -> assertThat(l).startsWith("\"a,b <x>\",5000"));
    assertThat(r.json()).contains("\"planId\"").contains("\"hotSpot\" : true").contains("\"tenant\" : \"busy\"");
    String html = PlanTimelineHtml.render(plan(), "job <1>");
    assertThat(html).contains("<svg").contains("a,b &lt;x&gt;").contains("job &lt;1&gt;").doesNotContain("src=", "href=", "<script")
        .contains("#d62728");
  }

  /** {@code n} tenants of decreasing size, one slice each; every tenth has a hot spot. */
  static Plan manyTenants(int n) {
    List<TenantPlan> out = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = String.format("tenant-%03d", i);
      long docs = 10_000L - i;
      out.add(new TenantPlan(new TenantSpan(name, docs, T0, T0.plusSeconds(3600), 0),
          List.of(slice(name, 0, docs, i % 10 == 0))));
    }
    return new Plan(out, 10_000, 7, new Coverage(n * 10_000L, n * 10_000L - (long) n * (n - 1) / 2, 0, 0, 0));
  }

  @Test
  void withManyTenantsTheTableIsASummaryOfTheLargestTenantsAndHotSpotsUnlessTheFullOneIsAskedFor() {
    assertThat(PlanReport.Detail.forTenants(50)).isEqualTo(PlanReport.Detail.FULL);
    assertThat(PlanReport.Detail.forTenants(51)).isEqualTo(PlanReport.Detail.SUMMARY);
    Plan plan = manyTenants(300);
    PlanReport r = new PlanReport(plan, 1000, 2, SliceCost.WORKER_DEFAULTS);

    String summary = r.table(PlanReport.Detail.SUMMARY);
    assertThat(summary).contains("SUMMARY of 300 tenants").contains("--report full")
        .contains("SLICES: 300, documents per slice: min 9701, median 9851, p95 9985, max 10000")
        .contains("LARGEST 20 TENANTS")
        .contains("HOT SPOTS: 30 slices in 30 tenants").contains("... and 10 more tenants")
        .contains("TOTAL: 300 tenants, 300 slices").contains("ESTIMATE: about").contains("COVERAGE:");
    String largest = summary.substring(summary.indexOf("LARGEST"), summary.indexOf("HOT SPOTS"));
    assertThat(largest.lines().filter(l -> l.startsWith("tenant-"))).hasSize(20).first().asString()
        .startsWith("tenant-000");
    assertThat(largest).contains("tenant-019").doesNotContain("tenant-020");
    assertThat(summary.lines().count()).isLessThan(60);
    String full = r.table(PlanReport.Detail.FULL);
    assertThat(full.lines().filter(l -> l.startsWith("tenant-"))).hasSize(300);
    assertThat(full).contains("TOTAL: 300 tenants").contains("COVERAGE:");

    String totals = r.table(PlanReport.Detail.TOTALS);
    assertThat(totals.lines().toList()).hasSize(3).satisfiesExactly(l -> assertThat(l).startsWith("TOTAL: 300 tenants"),
        l -> assertThat(l).startsWith("ESTIMATE: "), l -> assertThat(l).startsWith("COVERAGE: "));
  }

  @Test
  void theEstimateAddsEachSlicesOwnCost() {
    // issue 16: 30,000 tenants of 2 documents, two workers, estimated "about 3s", took more than 1000 s
    List<TenantPlan> tiny = new java.util.ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      String name = "t" + i;
      tiny.add(new TenantPlan(new TenantSpan(name, 2, T0, T0.plusSeconds(1), 0), List.of(slice(name, 0, 2, false))));
    }
    Plan plan = new Plan(tiny, 200_000, 3);
    assertThat(new PlanReport(plan, 10_000, 2).totals().wallClock()).isEqualTo(Duration.ofSeconds(3)); // documents only

    PlanReport.Totals t = new PlanReport(plan, 10_000, 2, SliceCost.WORKER_DEFAULTS).totals();
    assertThat(t.copying()).isEqualTo(Duration.ofSeconds(3)); // 60,000 documents at 2 x 10,000/s
    // 30,000 slices: 0.5 s of round trips in 2 x 8 copy slots (937.5 s), 5 s settle delays in 4 x 16 settling slots
    // (2,343.75 s): the longer
    assertThat(t.sliceOverhead()).isEqualTo(Duration.ofMillis(2_343_750));
    assertThat(t.wallClock()).isEqualTo(Duration.ofSeconds(3 + 2_343));
    assertThat(new PlanReport(plan, 10_000, 2, SliceCost.WORKER_DEFAULTS).totalsBlock())
        .contains("about 39m with 2 workers").contains("ESTIMATE: about 39m = copying 3s + the slices' own cost 39m"
            + " (30000 slices, the longer of: 0.5s of round trips each in 16 copy slots, a 5.0s settle delay each in 64"
            + " settling slots; 2 workers x 8)");

    // without a settle delay only the round trips remain: 30,000 x 0.5 s / 16 = 937.5 s, near what was measured
    PlanReport.Totals noSettle = new PlanReport(plan, 10_000, 2, SliceCost.of(Duration.ZERO, 8)).totals();
    assertThat(noSettle.wallClock()).isEqualTo(Duration.ofSeconds(940));

    // the fleet cannot finish before its biggest slice, with its own cost
    Plan one = new Plan(List.of(new TenantPlan(new TenantSpan("big", 50_000, T0, T0.plusSeconds(9), 0),
        List.of(slice("big", 0, 50_000, true)))), 10_000, 1);
    assertThat(new PlanReport(one, 1000, 8, SliceCost.WORKER_DEFAULTS).totals().wallClock())
        .isEqualTo(Duration.ofMillis(55_000));
  }
}

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
}

package io.backfillfleet.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.store.TenantSpan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Property tests of the slicer over generated distributions (no server: histograms come from memory). */
class EffortSlicerTest {
  static final long T0 = Instant.parse("2020-01-01T00:00:00Z").toEpochMilli();
  static final long DAY = 86_400_000L;
  static final long TARGET = 5_000;

  private final InMemoryHistory history = new InMemoryHistory();

  private List<SliceSpec> plan(String tenant) {
    return new EffortSlicer(history, TARGET).slice(history.span(tenant));
  }

  /** Contiguous, half-open, covering first..last+1ms; estimates are the true counts and sum to the total. */
  private void assertCoversExactly(String tenant, List<SliceSpec> slices) {
    TenantSpan span = history.span(tenant);
    List<SliceSpec> timed = slices.stream().filter(s -> !s.window().missingTimestamp()).toList();
    if (span.first() != null) {
      assertThat(timed.get(0).window().from()).isEqualTo(span.first());
      assertThat(timed.get(timed.size() - 1).window().to()).isEqualTo(span.last().plusMillis(1));
      for (int i = 1; i < timed.size(); i++) {
        assertThat(timed.get(i).window().from()).as("no gap or overlap").isEqualTo(timed.get(i - 1).window().to());
      }
    }
    for (SliceSpec s : timed) assertThat(s.estimatedDocs()).isEqualTo(history.count(tenant, s.window()));
    assertThat(slices.stream().mapToLong(SliceSpec::estimatedDocs).sum()).isEqualTo(span.docs());
    assertThat(new HashSet<>(slices.stream().map(SliceSpec::id).toList())).hasSize(slices.size());
    slices.forEach(s -> assertThat(s.id()).matches("[A-Za-z0-9][A-Za-z0-9._-]*"));
  }

  /** p95 / median of the slice sizes, hot spots and a tenant's last (remainder) slice aside. */
  private static double balance(List<SliceSpec> slices) {
    long[] sizes = slices.stream().filter(s -> !s.hotSpot() && !s.window().missingTimestamp())
        .mapToLong(SliceSpec::estimatedDocs).sorted().toArray();
    if (sizes.length < 2) return 1.0;
    long[] body = Arrays.copyOf(sizes, sizes.length);
    return (double) body[(int) Math.ceil(0.95 * body.length) - 1] / body[body.length / 2];
  }

  private static long[] uniform(Random r, int n, long from, long spanMillis) {
    long[] t = new long[n];
    for (int i = 0; i < n; i++) t[i] = from + (long) (r.nextDouble() * spanMillis);
    return t;
  }

  @Test
  void uniformHistorySlicesEvenly() {
    history.add("uniform", uniform(new Random(1), 200_000, T0, 365 * DAY), 0);
    List<SliceSpec> slices = plan("uniform");
    assertCoversExactly("uniform", slices);
    assertThat(slices.size()).isBetween(36, 41);
    assertThat(balance(slices)).isLessThanOrEqualTo(1.25);
  }

  @Test
  void zipfAcrossAThousandTenantsGivesBusyTenantsShortWindows() {
    Random r = new Random(7);
    List<String> tenants = new ArrayList<>();
    for (int k = 1; k <= 1000; k++) {
      int n = (int) (400_000 / Math.pow(k, 1.1));
      String tenant = "tenant/" + k + " ü";
      tenants.add(tenant);
      history.add(tenant, uniform(r, n, T0, 180 * DAY), 0);
    }
    List<SliceSpec> all = new ArrayList<>();
    for (String t : tenants) {
      List<SliceSpec> s = plan(t);
      assertCoversExactly(t, s);
      if (history.span(t).docs() >= 4 * TARGET) assertThat(balance(s)).as(t).isLessThanOrEqualTo(1.25);
      all.addAll(s);
    }
    assertThat(new HashSet<>(all.stream().map(SliceSpec::id).toList())).hasSize(all.size());
    SliceSpec busiest = plan(tenants.get(0)).get(0);
    SliceSpec quiet = plan(tenants.get(999)).get(0);
    long busyMillis = busiest.window().to().toEpochMilli() - busiest.window().from().toEpochMilli();
    long quietMillis = quiet.window().to().toEpochMilli() - quiet.window().from().toEpochMilli();
    assertThat(busyMillis * 10).isLessThan(quietMillis);
  }

  @Test
  void spikeDaysAreCutFinely() {
    Random r = new Random(3);
    long[] base = uniform(r, 30_000, T0, 90 * DAY);
    long[] spike = uniform(r, 60_000, T0 + 40 * DAY, DAY / 24); // a burst within one hour
    long[] all = Arrays.copyOf(base, base.length + spike.length);
    System.arraycopy(spike, 0, all, base.length, spike.length);
    history.add("spiky", all, 0);
    List<SliceSpec> slices = plan("spiky");
    assertCoversExactly("spiky", slices);
    assertThat(balance(slices)).isLessThanOrEqualTo(1.25);
    assertThat(slices.stream().filter(s -> s.window().to().toEpochMilli() - s.window().from().toEpochMilli() < DAY / 24)
        .count()).as("the burst hour is cut into several slices").isGreaterThanOrEqualTo(10);
  }

  @Test
  void aSmallTenantWithTenYearsGetsLongWindows() {
    history.add("small", uniform(new Random(4), 12_000, T0, 3650 * DAY), 0);
    List<SliceSpec> slices = plan("small");
    assertCoversExactly("small", slices);
    assertThat(slices).hasSizeBetween(2, 3);
    assertThat(slices.get(0).window().to().toEpochMilli() - slices.get(0).window().from().toEpochMilli())
        .isGreaterThan(365 * DAY);
  }

  @Test
  void allDocumentsAtOneInstantAreOneReportedHotSpot() {
    long[] t = new long[20_000];
    Arrays.fill(t, T0 + 123);
    history.add("instant", t, 0);
    List<SliceSpec> slices = plan("instant");
    assertCoversExactly("instant", slices);
    assertThat(slices).singleElement().satisfies(s -> {
      assertThat(s.hotSpot()).isTrue();
      assertThat(s.estimatedDocs()).isEqualTo(20_000);
    });
  }

  /** The case: 800 documents within two milliseconds made one slice of 800 for a target of 500. */
  @Test
  void noSliceOvershootsTheTargetByMoreThanAnEighthEvenInsideMilliseconds() {
    long[] t = new long[800];
    for (int i = 0; i < t.length; i++) t[i] = T0 + (i < 400 ? 0 : 1);
    history.add("two-millis", t, 0);
    List<SliceSpec> slices = new EffortSlicer(history, 500).slice(history.span("two-millis"));
    assertCoversExactly("two-millis", slices);
    assertThat(slices).extracting(SliceSpec::estimatedDocs).containsExactly(400L, 400L);

    // many busy milliseconds, a target that is no multiple of them, and a small remainder: every slice within 9/8
    Random r = new Random(11);
    long[] busy = new long[50_000];
    for (int i = 0; i < busy.length; i++) busy[i] = T0 + r.nextInt(300); // about 170 per millisecond
    history.add("busy-millis", busy, 0);
    for (long target : new long[] {250, 500, 777, 1000}) {
      List<SliceSpec> s = new EffortSlicer(history, target).slice(history.span("busy-millis"));
      assertCoversExactly("busy-millis", s);
      assertThat(s).allSatisfy(x -> assertThat(x.estimatedDocs()).as("target " + target + ": " + x)
          .isLessThanOrEqualTo(target + target / 8));
    }
  }

  @Test
  void emptyTenantsHaveNoSlicesAndUntimedDocumentsTheirOwn() {
    history.add("empty", new long[0], 0);
    assertThat(plan("empty")).isEmpty();
    history.add("untimed", new long[0], 42);
    assertThat(plan("untimed")).singleElement().satisfies(s -> {
      assertThat(s.window().missingTimestamp()).isTrue();
      assertThat(s.estimatedDocs()).isEqualTo(42);
      assertThat(s.id()).endsWith("-nots");
    });
    history.add("mixed", uniform(new Random(5), 9_000, T0, 30 * DAY), 17);
    List<SliceSpec> mixed = plan("mixed");
    assertCoversExactly("mixed", mixed);
    assertThat(mixed.stream().filter(s -> s.window().missingTimestamp())).hasSize(1);
  }

  @Test
  void theSameInputGivesTheSamePlanAndIdsDoNotCollide() {
    history.add("same", uniform(new Random(6), 50_000, T0, 100 * DAY), 3);
    assertThat(plan("same")).isEqualTo(plan("same"));
    assertThat(SliceIds.tenantKey("a/b")).isNotEqualTo(SliceIds.tenantKey("a_b"));
    assertThat(SliceIds.timeSlice("-weird name", 3)).matches("[A-Za-z0-9][A-Za-z0-9._-]*-00003");
  }
}

package io.backfillfleet.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.store.HistogramBatch;
import io.backfillfleet.store.TenantSpan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The planner's cheap paths cut exactly what {@link EffortSlicer} cuts tenant by tenant: a tenant that fits in one
 * slice from its listing alone, the others from batched coarse histograms.
 */
class BatchedSlicerTest {
  static final long T0 = Instant.parse("2021-06-01T10:11:12.345Z").toEpochMilli();
  static final long DAY = 86_400_000L;
  static final long TARGET = 1_000;

  private final InMemoryHistory history = new InMemoryHistory();
  private final Random random = new Random(16);

  private long[] times(int n, long spanMillis) {
    long[] t = new long[n];
    for (int i = 0; i < n; i++) t[i] = T0 + (long) (random.nextDouble() * spanMillis);
    return t;
  }

  private List<String> smallTenants() {
    history.add("tiny", times(2, 900 * DAY), 0);
    history.add("exactly-target", times((int) TARGET, 40 * DAY), 0);
    history.add("one-ms", new long[] {T0, T0, T0}, 0);
    history.add("with-nots", times(17, 3 * DAY), 4);
    history.add("only-nots", new long[0], 9);
    history.add("", times(5, DAY), 1); // the empty-string tenant
    history.add(TenantSpan.NO_TENANT, times(600, 365 * DAY), 2); // the documents without a tenant
    history.add("a/b c,d", times((int) TARGET - 1, 2 * DAY), 0);
    List<String> out = new ArrayList<>(List.of("tiny", "exactly-target", "one-ms", "with-nots", "only-nots", "", "a/b c,d"));
    out.add(TenantSpan.NO_TENANT);
    return out;
  }

  @Test
  void aTenantThatFitsInOneSliceIsPlannedFromItsListingAsTheSlicerWouldCutIt() {
    for (String tenant : smallTenants()) {
      TenantSpan span = history.span(tenant);
      assertThat(OneSliceTenant.fits(span, TARGET)).as(TenantSpan.label(tenant)).isTrue();
      history.queries = 0;
      List<SliceSpec> bySlicer = new EffortSlicer(history, TARGET).slice(span);
      assertThat(OneSliceTenant.slices(span)).as(TenantSpan.label(tenant)).isEqualTo(bySlicer);
    }
    history.add("one-too-many", times((int) TARGET + 1, 10 * DAY), 50);
    assertThat(OneSliceTenant.fits(history.span("one-too-many"), TARGET)).isFalse();
  }

  @Test
  void manyTenantsArePlannedWithBatchedCoarseHistogramsAndNoQueryForSmallOnes() {
    List<String> names = new ArrayList<>(smallTenants());
    history.add("busy", times(9_000, 30 * DAY), 3); // refined: dense days
    long[] hot = times(800, 5 * DAY);
    hot = java.util.Arrays.copyOf(hot, 800 + 1_500);
    java.util.Arrays.fill(hot, 800, hot.length, T0 + 2 * DAY + 5); // a hot spot: one millisecond above the target
    history.add("hot", hot, 0);
    history.add("long-quiet", times(3_000, 1000 * DAY), 0);
    names.addAll(List.of("busy", "hot", "long-quiet"));
    for (int i = 0; i < 1_200; i++) { // large ones scattered among more than CHUNK tenants
      String name = "t" + i;
      history.add(name, times(i % 100 == 0 ? 2_500 : 1 + i % 7, 200 * DAY), i % 3);
      names.add(name);
    }
    List<TenantSpan> spans = names.stream().map(history::span).toList();
    long large = spans.stream().filter(s -> !OneSliceTenant.fits(s, TARGET)).count();
    assertThat(large).isEqualTo(3 + 12);

    List<TenantPlan> expected = new ArrayList<>();
    history.queries = 0;
    for (TenantSpan s : spans) expected.add(new TenantPlan(s, new EffortSlicer(history, TARGET).slice(s)));
    int oneByOne = history.queries;

    int[] batches = {0};
    BatchedSlicer batched = new BatchedSlicer(history, (requests, bucket) -> {
      batches[0]++;
      return new HistogramBatch(requests.stream().map(r -> history.histogram(r.tenant(), r.window(), bucket)).toList(), 1);
    }, TARGET);
    int[] progress = {0};
    history.queries = 0;
    List<TenantPlan> plan = batched.plan(spans, (done, all) -> progress[0] = done);

    assertThat(plan).isEqualTo(expected);
    assertThat(plan.stream().flatMap(t -> t.slices().stream()).filter(SliceSpec::hotSpot)).hasSize(1);
    assertThat(progress[0]).isEqualTo(spans.size());
    // one batch for every CHUNK of large tenants, wherever they are in the list; a query per tenant only to refine
    assertThat(batches[0]).isEqualTo(1);
    int refinements = history.queries - (int) large; // the batch source answered the coarse ones from memory too
    assertThat(batched.queries()).isEqualTo(batches[0] + refinements);

    // more large tenants than a chunk: a batch per chunk of them, the same slices
    List<TenantSpan> many = new ArrayList<>();
    for (int i = 0; i < BatchedSlicer.CHUNK + 30; i++) {
      String name = "big" + i;
      history.add(name, times(1_001 + i % 5, 3 * DAY), 0);
      many.add(history.span(name));
      many.add(spans.get(i % spans.size()));
    }
    batches[0] = 0;
    List<TenantPlan> manyExpected = many.stream().map(s -> new TenantPlan(s, new EffortSlicer(history, TARGET).slice(s)))
        .toList();
    assertThat(new BatchedSlicer(history, (requests, bucket) -> {
      batches[0]++;
      assertThat(requests.size()).isLessThanOrEqualTo(BatchedSlicer.CHUNK);
      return new HistogramBatch(requests.stream().map(r -> history.histogram(r.tenant(), r.window(), bucket)).toList(), 1);
    }, TARGET).plan(many, (done, all) -> { })).isEqualTo(manyExpected);
    assertThat(batches[0]).isEqualTo(2);
    assertThat(oneByOne).isGreaterThan(spans.size()); // before: at least one query per tenant
    assertThat(batched.queries()).isLessThan(oneByOne - spans.size() + 10);
  }
}

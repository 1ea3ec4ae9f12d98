package io.backfillfleet.planner;

import io.backfillfleet.store.Histogram;
import io.backfillfleet.store.HistogramBatch;
import io.backfillfleet.store.HistogramRequest;
import io.backfillfleet.store.TenantSpan;
import io.backfillfleet.store.TimeWindow;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Slices many tenants with few queries: a tenant that fits in one slice is planned from its listing alone
 * ({@link OneSliceTenant}); the others' first, coarse histogram is fetched for many tenants at once (a
 * {@link BatchSource} answers a group of them per query), and only the refinement of dense buckets is asked per
 * tenant. The slices are exactly those {@link EffortSlicer} cuts tenant by tenant.
 */
final class BatchedSlicer {
  /** Tenants whose coarse histograms are fetched, and held in memory, at once (the larger tenants only). */
  static final int CHUNK = 500;

  /** Histograms of many tenants' windows at one bucket width ({@code SourceStore::histograms}). */
  @FunctionalInterface
  interface BatchSource {
    HistogramBatch histograms(List<HistogramRequest> requests, Duration bucket);
  }

  private record Key(String tenant, TimeWindow window, Duration bucket) {}

  private final EffortSlicer.HistogramSource single;
  private final BatchSource batch;
  private final long docsPerSlice;
  private final Map<Key, Histogram> prefetched = new HashMap<>();
  private long queries;

  BatchedSlicer(EffortSlicer.HistogramSource single, BatchSource batch, long docsPerSlice) {
    this.single = single;
    this.batch = batch;
    this.docsPerSlice = docsPerSlice;
  }

  /** Histogram queries sent so far (batched and per tenant). */
  long queries() {
    return queries;
  }

  /** @param progress called after each tenant with (tenants done, tenants in all) */
  List<TenantPlan> plan(List<TenantSpan> tenants, BiConsumer<Integer, Integer> progress) {
    // a hit is taken out of the prefetched ones; anything else (a finer level) is asked of the store
    EffortSlicer slicer = new EffortSlicer((tenant, window, bucket) -> {
      Histogram h = prefetched.remove(new Key(tenant, window, bucket));
      if (h != null) return h;
      queries++;
      return single.histogram(tenant, window, bucket);
    }, docsPerSlice);
    // the larger tenants are scattered among the small ones (listed by name): fetch the next CHUNK of them ahead
    List<HistogramRequest> measured = new ArrayList<>();
    for (TenantSpan t : tenants) {
      TimeWindow w = OneSliceTenant.fits(t, docsPerSlice) ? null : coarseWindow(t);
      if (w != null) measured.add(new HistogramRequest(t.tenant(), w));
    }
    int fetched = 0;
    int sliced = 0;
    List<TenantPlan> out = new ArrayList<>(tenants.size());
    for (TenantSpan t : tenants) {
      if (OneSliceTenant.fits(t, docsPerSlice)) {
        out.add(new TenantPlan(t, OneSliceTenant.slices(t)));
      } else {
        if (coarseWindow(t) != null && sliced++ == fetched) {
          prefetched.clear(); // none is left unless the slicer changed what it asks first: then it asked the store
          List<HistogramRequest> next = measured.subList(fetched, Math.min(measured.size(), fetched + CHUNK));
          prefetch(next);
          fetched += next.size();
        }
        out.add(new TenantPlan(t, slicer.slice(t)));
      }
      progress.accept(out.size(), tenants.size());
    }
    prefetched.clear();
    return out;
  }

  private void prefetch(List<HistogramRequest> requests) {
    Duration coarse = EffortSlicer.LEVELS.get(0);
    HistogramBatch answer = batch.histograms(requests, coarse);
    queries += answer.queries();
    for (int i = 0; i < requests.size(); i++) {
      HistogramRequest r = requests.get(i);
      prefetched.put(new Key(r.tenant(), r.window(), coarse), answer.histograms().get(i));
    }
  }

  /** The window the slicer measures first: the tenant's first timestamp to just after its last (null: none). */
  static TimeWindow coarseWindow(TenantSpan t) {
    if (t.docs() - t.docsWithoutTimestamp() <= 0 || t.first() == null || t.last() == null) return null;
    return TimeWindow.of(t.first().truncatedTo(ChronoUnit.MILLIS), t.last().truncatedTo(ChronoUnit.MILLIS).plusMillis(1));
  }
}

package io.backfillfleet.planner;

import io.backfillfleet.store.SourceStore;
import io.backfillfleet.store.StoreException;
import io.backfillfleet.store.TenantSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Measures the selected tenants of a source and slices each into equal-effort windows. Reads only: it
 * writes nothing anywhere, which is what a dry run relies on.
 */
public final class Planner {
  private final SourceStore source;
  private final long docsPerSlice;

  public Planner(SourceStore source, long docsPerSlice) {
    this.source = source;
    this.docsPerSlice = docsPerSlice;
  }

  /** @param progress called after each tenant with (tenants done, tenants in all) */
  public Plan plan(TenantSelection selection, BiConsumer<Integer, Integer> progress) {
    AtomicLong queries = new AtomicLong(1); // the tenant listing
    List<TenantSpan> tenants = selection.apply(source.tenants());
    if (tenants.isEmpty()) {
      throw new StoreException("the source has no documents for the selected tenants: nothing to plan");
    }
    EffortSlicer slicer = new EffortSlicer((tenant, window, bucket) -> {
      queries.incrementAndGet();
      return source.histogram(tenant, window, bucket);
    }, docsPerSlice);
    List<TenantPlan> out = new ArrayList<>();
    for (TenantSpan t : tenants) {
      out.add(new TenantPlan(t, slicer.slice(t)));
      progress.accept(out.size(), tenants.size());
    }
    return new Plan(out, docsPerSlice, queries.get());
  }
}

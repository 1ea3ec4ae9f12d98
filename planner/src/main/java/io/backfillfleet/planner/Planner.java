package io.backfillfleet.planner;

import io.backfillfleet.store.SourceStore;
import io.backfillfleet.store.StoreException;
import io.backfillfleet.store.TenantSpan;
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
    source.requireUsableFields(); // a wrong field would otherwise fail later with a raw error, or plan nothing useful
    AtomicLong queries = new AtomicLong(3); // the field check, the tenant listing, the total
    List<TenantSpan> all = source.tenants();
    long sourceDocs = source.totalDocs();
    List<TenantSpan> tenants = selection.apply(all);
    if (tenants.isEmpty()) {
      throw new StoreException("the source has no documents for the selected tenants: nothing to plan");
    }
    // small tenants cost no query, the others' coarse histograms are fetched many tenants per query
    BatchedSlicer slicer = new BatchedSlicer(source::histogram, source::histograms, docsPerSlice);
    List<TenantPlan> out = slicer.plan(tenants, progress);
    queries.addAndGet(slicer.queries());
    Plan plan = new Plan(out, docsPerSlice, queries.get());
    long noTenant = all.stream().filter(TenantSpan::missingTenant).mapToLong(TenantSpan::docs).sum();
    long unselected = all.stream().mapToLong(TenantSpan::docs).sum() - tenants.stream().mapToLong(TenantSpan::docs).sum();
    return SlicePacker.pack(new Plan(out, docsPerSlice, queries.get(), new Coverage(sourceDocs, plan.plannedDocs(),
        noTenant, unselected, all.size() - tenants.size())));
  }
}

package io.backfillfleet.planner;

import io.backfillfleet.store.TenantSpan;
import java.util.List;

/** One tenant's measured history and its slices. */
public record TenantPlan(TenantSpan span, List<SliceSpec> slices) {
  public TenantPlan {
    slices = List.copyOf(slices);
  }
}

package io.backfillfleet.planner;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * A complete plan: every selected tenant with its slices, and what measuring cost.
 *
 * @param queries histogram and count queries sent to the source while planning
 * @param coverage what the plan covers of the source (null when not measured)
 */
public record Plan(List<TenantPlan> tenants, long docsPerSlice, long queries, Coverage coverage) {
  public Plan {
    tenants = List.copyOf(tenants);
  }

  public Plan(List<TenantPlan> tenants, long docsPerSlice, long queries) {
    this(tenants, docsPerSlice, queries, null);
  }

  /** The sum of the slices' estimates. */
  public long plannedDocs() {
    return slices().stream().mapToLong(SliceSpec::estimatedDocs).sum();
  }

  public List<SliceSpec> slices() {
    return tenants.stream().flatMap(t -> t.slices().stream()).toList();
  }

  public long totalDocs() {
    return tenants.stream().mapToLong(t -> t.span().docs()).sum();
  }

  /** A fingerprint of the slices (ids, windows, sizes): the same plan always has the same id. */
  public String planId() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (SliceSpec s : slices()) {
        md.update((s.id() + "|" + s.window() + "|" + s.estimatedDocs() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.backfillfleet.planner;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A complete plan: every selected tenant with its slices, and what measuring cost.
 *
 * @param queries histogram and count queries sent to the source while planning
 * @param coverage what the plan covers of the source (null when not measured)
 * @param packed   slices that each cover the windows of several small tenants ({@link SlicePacker}); every other
 *                 window of {@link #slices()} is a slice of its own
 */
public record Plan(List<TenantPlan> tenants, long docsPerSlice, long queries, Coverage coverage,
    List<PackedSlice> packed) {
  public Plan {
    tenants = List.copyOf(tenants);
    packed = packed == null ? List.of() : List.copyOf(packed);
  }

  public Plan(List<TenantPlan> tenants, long docsPerSlice, long queries, Coverage coverage) {
    this(tenants, docsPerSlice, queries, coverage, List.of());
  }

  public Plan(List<TenantPlan> tenants, long docsPerSlice, long queries) {
    this(tenants, docsPerSlice, queries, null);
  }

  /** The same plan with these packed slices. */
  public Plan withPacked(List<PackedSlice> packs) {
    return new Plan(tenants, docsPerSlice, queries, coverage, packs);
  }

  /** The packed slice of each packed window, by window id. */
  public Map<String, String> packedInto() {
    Map<String, String> out = new HashMap<>();
    for (PackedSlice p : packed) for (SliceSpec s : p.parts()) out.put(s.id(), p.id());
    return out;
  }

  /** The windows that are slices of their own (not packed). */
  public List<SliceSpec> ownSlices() {
    Map<String, String> into = packedInto();
    return slices().stream().filter(s -> !into.containsKey(s.id())).toList();
  }

  /** How many work nodes the plan makes: its own slices and the packed ones. */
  public int sliceCount() {
    return ownSlices().size() + packed.size();
  }

  /** Each work node's estimate: the own slices', then the packed slices'. */
  public long[] sliceEstimates() {
    return java.util.stream.LongStream.concat(ownSlices().stream().mapToLong(SliceSpec::estimatedDocs),
        packed.stream().mapToLong(PackedSlice::estimatedDocs)).toArray();
  }

  /** The sum of the slices' estimates. */
  public long plannedDocs() {
    return slices().stream().mapToLong(SliceSpec::estimatedDocs).sum();
  }

  /** Every tenant window planned, packed or not (a packed slice's parts are windows of this list). */
  public List<SliceSpec> slices() {
    return tenants.stream().flatMap(t -> t.slices().stream()).toList();
  }

  public long totalDocs() {
    return tenants.stream().mapToLong(t -> t.span().docs()).sum();
  }

  /** A fingerprint of the slices (ids, windows, sizes, packing): the same plan always has the same id. */
  public String planId() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (SliceSpec s : slices()) {
        md.update((s.id() + "|" + s.window() + "|" + s.estimatedDocs() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      for (PackedSlice p : packed) {
        md.update(("packed " + p.id() + ":").getBytes(StandardCharsets.UTF_8));
        for (SliceSpec s : p.parts()) md.update((s.id() + ",").getBytes(StandardCharsets.UTF_8));
        md.update((byte) '\n');
      }
      return HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.backfillfleet.planner;

import io.backfillfleet.coordinator.SlicePart;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs the long tail of small tenants into shared slices. Every slice costs a work node, a claim, a point-in-time,
 * a settle delay before its last re-check and a completion, whatever its size: a million tenants of a few
 * documents each would otherwise be a million slices, most of their time spent on that overhead.
 *
 * <p>A tenant is small when its whole plan (its windows, with or without timestamp) adds up to at most half a slice
 * and has no hot spot. Small tenants are taken in plan order and packed together until the next one would take the
 * slice past {@code docsPerSlice}, past {@value #MAX_TENANTS} tenants, or its parts past {@value #MAX_PART_BYTES}
 * bytes of JSON (so a work node stays far below ZooKeeper's 1 MiB packet limit whatever the tenant names). A pack
 * of one tenant gains nothing and stays that tenant's own slice. The same plan always packs the same way.
 */
public final class SlicePacker {
  static final int MAX_TENANTS = 1000;
  static final int MAX_PART_BYTES = 160 * 1024;

  private SlicePacker() {}

  /** The plan with its small tenants packed (any earlier packing replaced). */
  public static Plan pack(Plan plan) {
    long target = plan.docsPerSlice();
    List<PackedSlice> packs = new ArrayList<>();
    List<TenantPlan> open = new ArrayList<>();
    long openDocs = 0;
    long openBytes = 0;
    for (TenantPlan t : plan.tenants()) {
      if (!small(t, target)) continue;
      long docs = t.slices().stream().mapToLong(SliceSpec::estimatedDocs).sum();
      long bytes = t.slices().stream().mapToLong(SlicePacker::encodedBytes).sum();
      if (!open.isEmpty() && (openDocs + docs > target || open.size() >= MAX_TENANTS
          || openBytes + bytes > MAX_PART_BYTES)) {
        close(open, packs);
        openDocs = 0;
        openBytes = 0;
      }
      open.add(t);
      openDocs += docs;
      openBytes += bytes;
    }
    close(open, packs);
    return plan.withPacked(packs);
  }

  /** A tenant whose whole plan fits in half a slice (so two or more share one) and holds no hot spot. */
  static boolean small(TenantPlan t, long docsPerSlice) {
    if (t.slices().isEmpty() || t.slices().stream().anyMatch(SliceSpec::hotSpot)) return false;
    return t.slices().stream().mapToLong(SliceSpec::estimatedDocs).sum() * 2 <= docsPerSlice;
  }

  private static void close(List<TenantPlan> open, List<PackedSlice> packs) {
    if (open.size() >= 2) {
      List<SliceSpec> parts = open.stream().flatMap(t -> t.slices().stream()).toList();
      packs.add(new PackedSlice(SliceIds.packedSlice(open.stream().map(t -> t.span().tenant()).toList(), packs.size()),
          parts));
    }
    open.clear();
  }

  /**
   * An upper bound of the window's JSON in the work node, the comma between parts included: the tenant as Jackson
   * writes it plus the most the rest can take (keys, two ISO instants, a long). Counted, not encoded: encoding a
   * million parts with Jackson's time module took seconds.
   */
  static long encodedBytes(SliceSpec s) {
    return PART_OVERHEAD + jsonStringBytes(s.tenant());
  }

  /** {@code {"tenant":,"from":"","to":"","estimatedDocs":}} (50) + two instants of at most 30 + 20 digits, rounded up. */
  static final int PART_OVERHEAD = 140;

  /** The bytes of a string as Jackson writes it in UTF-8 JSON: quotes, escapes of quote, backslash and controls. */
  static long jsonStringBytes(String v) {
    if (v == null) return 4;
    long n = 2;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20) n += 6;
      else if (c == '"' || c == '\\') n += 2;
      else if (c < 0x80) n += 1;
      else if (c < 0x800 || Character.isSurrogate(c)) n += 2; // a surrogate pair is 4 bytes: 2 per char
      else n += 3;
    }
    return n;
  }

  static SlicePart part(SliceSpec s) {
    return s.window().missingTimestamp() ? SlicePart.withoutTimestamp(s.tenant(), s.estimatedDocs())
        : SlicePart.window(s.tenant(), s.window().from(), s.window().to(), s.estimatedDocs());
  }
}

package io.backfillfleet.planner;

import io.backfillfleet.store.TenantSpan;
import io.backfillfleet.store.TimeWindow;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A tenant whose timed documents fit in one slice needs no histogram: its listing (count, first and last timestamp)
 * already says what {@link EffortSlicer} would cut, one window [first, last + 1 ms) holding all of them, and the
 * slice of its documents without a timestamp. Same ids, windows and estimates as the slicer (EffortSlicerTest
 * compares both), so the long tail of small tenants costs no query at all.
 */
final class OneSliceTenant {
  private OneSliceTenant() {}

  /** Whether the tenant's timed documents fit in one slice of {@code docsPerSlice}. */
  static boolean fits(TenantSpan span, long docsPerSlice) {
    return span.docs() - span.docsWithoutTimestamp() <= docsPerSlice;
  }

  /** The tenant's slices, as {@link EffortSlicer#slice} would produce them; only for a tenant that {@link #fits}. */
  static List<SliceSpec> slices(TenantSpan span) {
    List<SliceSpec> out = new ArrayList<>();
    long timed = span.docs() - span.docsWithoutTimestamp();
    if (timed > 0 && span.first() != null && span.last() != null) {
      Instant from = span.first().truncatedTo(ChronoUnit.MILLIS);
      Instant to = span.last().truncatedTo(ChronoUnit.MILLIS).plusMillis(1);
      // the slicer's walk adds every bucket without reaching the target (or reaching it at the last one): one slice
      out.add(new SliceSpec(SliceIds.timeSlice(span.tenant(), 0), span.tenant(), TimeWindow.of(from, to), timed, false));
    }
    if (span.docsWithoutTimestamp() > 0) {
      out.add(new SliceSpec(SliceIds.noTimestampSlice(span.tenant()), span.tenant(), TimeWindow.withoutTimestamp(),
          span.docsWithoutTimestamp(), false));
    }
    return out;
  }
}

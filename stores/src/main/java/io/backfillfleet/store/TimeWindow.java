package io.backfillfleet.store;

import java.time.Instant;

/**
 * A half-open time window {@code [from, to)} at millisecond precision, or the documents that have no
 * timestamp at all ({@link #withoutTimestamp()}).
 */
public record TimeWindow(Instant from, Instant to, boolean missingTimestamp) {

  public TimeWindow {
    if (missingTimestamp) {
      if (from != null || to != null) throw new IllegalArgumentException("the no-timestamp window has no bounds");
    } else {
      if (from == null || to == null) throw new IllegalArgumentException("a time window needs 'from' and 'to'");
      if (!from.isBefore(to)) throw new IllegalArgumentException("window 'from' " + from + " must be before 'to' " + to);
      if (from.getNano() % 1_000_000 != 0 || to.getNano() % 1_000_000 != 0) {
        throw new IllegalArgumentException("window bounds must be whole milliseconds: " + from + ", " + to);
      }
    }
  }

  public static TimeWindow of(Instant from, Instant to) {
    return new TimeWindow(from, to, false);
  }

  public static TimeWindow withoutTimestamp() {
    return new TimeWindow(null, null, true);
  }

  public boolean contains(Instant t) {
    if (missingTimestamp) return t == null;
    return t != null && !t.isBefore(from) && t.isBefore(to);
  }

  @Override
  public String toString() {
    return missingTimestamp ? "[no timestamp]" : "[" + from + ", " + to + ")";
  }
}

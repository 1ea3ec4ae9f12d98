package io.backfillfleet.coordinator;

import java.time.Instant;

/**
 * Where a slice's unread remainder is cut (issue 18): before part {@code part} of its windows, at {@code at} within
 * that part's window, or at the part's start when {@code at} is null (a packed slice only). The holder keeps everything
 * before the point; a successor gets everything from it on. A plain slice has one part, index 0.
 */
public record SplitPoint(int part, Instant at) {
  public SplitPoint {
    if (part < 0) throw new IllegalArgumentException("part index " + part + " is negative");
    if (at != null && at.getNano() % 1_000_000 != 0) {
      throw new IllegalArgumentException("a cut must be a whole millisecond: " + at);
    }
  }

  public static SplitPoint at(Instant t) {
    return new SplitPoint(0, t);
  }

  public static SplitPoint within(int part, Instant t) {
    return new SplitPoint(part, t);
  }

  public static SplitPoint beforePart(int part) {
    return new SplitPoint(part, null);
  }

  /** For ids and logs: {@code 2026-01-01T00:00:00Z}, {@code part 3 at 2026-...}, {@code before part 3}. */
  public String describe() {
    if (at == null) return "before part " + part;
    return part == 0 ? at.toString() : "part " + part + " at " + at;
  }
}

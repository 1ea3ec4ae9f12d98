package io.backfillfleet.worker;

import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.store.Cursor;
import java.time.Instant;

/**
 * How far a held slice's reader has read: the part of its windows it is in, and the timestamp of the last document it
 * handed out there ({@code lastRead}, null when it has read nothing of that part yet). A cut must lie strictly past it.
 * {@code known} is false when that timestamp cannot be told (a reader resumed from a checkpoint that has not read a
 * page yet, or a window whose reader does not report timestamps): then no cut is made.
 */
record SplitPosition(int part, Instant lastRead, boolean known) {

  static SplitPosition of(WorkNode w, Cursor after, Instant lastTimestampHandedOut) {
    if (!w.packed()) {
      if (after.isStart()) return new SplitPosition(0, null, true);
      return new SplitPosition(0, lastTimestampHandedOut, lastTimestampHandedOut != null);
    }
    PackedCursor c = PackedCursor.parse(after);
    if (c.inner().isStart()) return new SplitPosition(c.part(), null, true);
    return new SplitPosition(c.part(), lastTimestampHandedOut, lastTimestampHandedOut != null);
  }
}

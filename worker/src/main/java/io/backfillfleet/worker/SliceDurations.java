package io.backfillfleet.worker;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * How long this worker's recent slices took to copy (claim to last page written), for the split rule: a slice is
 * long when its expected remaining time is well above the median of these. Bounded: the last {@value #KEPT}.
 */
final class SliceDurations {
  private static final int KEPT = 101;
  private final Deque<Long> millis = new ArrayDeque<>();

  synchronized void add(Duration d) {
    if (millis.size() == KEPT) millis.removeFirst();
    millis.addLast(d.toMillis());
  }

  /** The median, or null before any slice finished here. */
  synchronized Duration median() {
    if (millis.isEmpty()) return null;
    long[] a = millis.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return Duration.ofMillis(a[a.length / 2]);
  }
}

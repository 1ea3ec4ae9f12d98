package io.backfillfleet.worker;

import io.backfillfleet.coordinator.SplitPoint;

/** What {@link SplitPolicy} decided for a held slice: cut it here, or why not. */
sealed interface SplitDecision {

  /** Split at {@code point}: the holder keeps about {@code keptEstimate} documents, a successor gets the rest. */
  record Cut(SplitPoint point, long keptEstimate, long successorEstimate, long remaining, double expectedSeconds)
      implements SplitDecision {}

  /** Not now, and why (for the debug log and tests). */
  record NoSplit(String why) implements SplitDecision {}
}

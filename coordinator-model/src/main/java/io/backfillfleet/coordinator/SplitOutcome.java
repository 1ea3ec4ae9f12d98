package io.backfillfleet.coordinator;

/** What {@link SliceClaim#split} did: the slice was split, or why not (a fencing raises {@link FencedException}). */
public sealed interface SplitOutcome {

  /** The holder keeps {@code kept}; {@code successorId} is a new PENDING slice with the rest. */
  record Split(String successorId, WorkNode kept, WorkNode successor) implements SplitOutcome {}

  /** Nothing was written. */
  enum NotSplit implements SplitOutcome {
    /** A slice with the successor's id exists already and is not this split's (an id collision; try another cut). */
    SUCCESSOR_ID_TAKEN,
    /** The successor's bucket kept changing under the write (others finishing slices there); try again later. */
    CONTENDED
  }
}

package io.backfillfleet.coordinator;

/** What {@link SliceBoard#claim(String)} got: a slice, or why not. */
public sealed interface ClaimOutcome {

  /** This worker holds the slice now. */
  record Claimed(SliceClaim claim) implements ClaimOutcome {}

  /** No slice claimed, and why. */
  enum NotClaimed implements ClaimOutcome {
    /** The job is not completely published yet. */
    JOB_NOT_READY,
    /** No PENDING slice is free right now (all done, failed or held by others). */
    NONE_FREE,
    /** Free slices were seen, but other workers claimed each one first (the local view lagged). */
    LOST_RACES
  }
}

package io.backfillfleet.coordinator;

/**
 * What a worker saves while it copies a slice: the store's opaque cursor (everything up to it is
 * written and re-checked) and the counts so far. Correctness never depends on it being recent:
 * re-copying a page is harmless because writes are create-only; the cursor only saves time.
 */
public record CursorCheckpoint(String cursor, CopyProgress progress) {
  public CursorCheckpoint {
    if (progress == null) throw new IllegalArgumentException("progress is required");
  }
}

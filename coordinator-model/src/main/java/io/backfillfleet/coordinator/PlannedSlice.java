package io.backfillfleet.coordinator;

/** A slice to publish: its deterministic id (a valid znode name) and its initial work node. */
public record PlannedSlice(String id, WorkNode work) {
  public PlannedSlice {
    JobLayout.requireValidName("slice id", id);
    if (work == null) throw new IllegalArgumentException("work node is required for slice " + id);
  }
}

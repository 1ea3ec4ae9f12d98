package io.backfillfleet.coordinator;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where a slice came from when splitting is involved (issue 18): the plan's slice it is part of ({@code origin}), the
 * slice it was split off ({@code splitFrom}, null for the plan's own slice) and how many successors were split off
 * this slice ({@code splits}). Absent on a slice that was never split and never split off, so plans stay as they were.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SliceLineage(String origin, String splitFrom, int splits) {
  public SliceLineage {
    JobLayout.requireValidName("origin slice id", origin);
    if (splitFrom != null) JobLayout.requireValidName("parent slice id", splitFrom);
    if (splits < 0) throw new IllegalArgumentException("splits cannot be negative");
  }

  /** The lineage of {@code sliceId} (known by {@code lineage}, null if never split) after one more split. */
  static SliceLineage afterSplit(String sliceId, SliceLineage lineage) {
    if (lineage == null) return new SliceLineage(sliceId, null, 1);
    return new SliceLineage(lineage.origin, lineage.splitFrom, lineage.splits + 1);
  }

  /** The lineage of a successor split off {@code parentId}. */
  static SliceLineage successorOf(String parentId, SliceLineage parent) {
    return new SliceLineage(parent == null ? parentId : parent.origin, parentId, 0);
  }
}

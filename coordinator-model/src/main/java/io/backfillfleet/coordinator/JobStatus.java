package io.backfillfleet.coordinator;

import java.util.Map;

/**
 * A consistent-enough snapshot of a job for status and on-call: each node read once; a slice whose node
 * cannot be read is listed in {@code corruptSlices} with the reason instead of failing the whole status.
 * {@code sliceVersions} holds the version each work node was read at.
 */
public record JobStatus(
    JobSpec spec,
    JobControl control,
    Map<String, WorkNode> slices,
    Map<String, Versioned<ClaimInfo>> claims,
    Map<String, WorkerInfo> workers,
    Map<String, String> corruptSlices,
    Map<String, Integer> sliceVersions) {

  /**
   * A slice's work node with the version it was read at: a write meant for exactly what was read (a verification)
   * is conditional on it.
   */
  public Versioned<WorkNode> versioned(String sliceId) {
    WorkNode w = slices.get(sliceId);
    Integer v = sliceVersions.get(sliceId);
    if (w == null || v == null) throw new IllegalArgumentException("no slice '" + sliceId + "' in this status");
    return new Versioned<>(w, v);
  }
}

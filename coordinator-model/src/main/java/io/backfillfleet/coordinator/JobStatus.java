package io.backfillfleet.coordinator;

import java.util.Map;

/**
 * A consistent-enough snapshot of a job for status and on-call: each node read once; a slice whose node
 * cannot be read is listed in {@code corruptSlices} with the reason instead of failing the whole status.
 */
public record JobStatus(
    JobSpec spec,
    JobControl control,
    Map<String, WorkNode> slices,
    Map<String, Versioned<ClaimInfo>> claims,
    Map<String, WorkerInfo> workers,
    Map<String, String> corruptSlices) {}

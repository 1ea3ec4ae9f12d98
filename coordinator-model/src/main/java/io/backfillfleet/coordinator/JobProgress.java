package io.backfillfleet.coordinator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What on-call wants to know about a job, computed from one {@link JobSummary}: slices by state, documents
 * copied of estimated, the fleet's current rate (from the workers' own reports), an ETA, held claims with the
 * time since their last checkpoint (stuck ones flagged), failed slices with their errors.
 */
public record JobProgress(
    String job,
    boolean ready,
    boolean paused,
    long maxDocsPerSecond,
    int maxSlicesInFlight,
    int slices,
    int pending,
    int inProgress,
    int done,
    int failed,
    int corrupt,
    long estimatedDocs,
    long docsRead,
    long docsCreated,
    long docsAlreadyPresent,
    long docsRejected,
    long docsDeletedAfterRecheck,
    long docsChanged,
    double docsPerSecond,
    Duration eta,
    int liveWorkers,
    List<HeldClaim> claims,
    List<FailedSlice> failures,
    Map<String, String> corruptNodes,
    int plannedSlices,
    String split) {

  /** A claim held now; {@code stuck} when its slice has not been checkpointed for longer than allowed. */
  public record HeldClaim(String sliceId, String workerId, String host, long epoch, Duration sinceLastCheckpoint,
      boolean stuck, boolean workerAlive) {}

  /** A FAILED slice; {@code tenants} is more than 1 for a packed slice (then {@code tenant} is null). */
  public record FailedSlice(String sliceId, String tenant, int tenants, int attempts, String lastError) {}

  /** Successors split off running slices since the plan (issue 18): the slices now less the plan's. */
  public int splitOff() {
    return Math.max(0, slices - plannedSlices);
  }

  public double percent() {
    return estimatedDocs == 0 ? (done == slices ? 100 : 0) : Math.min(100, 100.0 * docsRead / estimatedDocs);
  }

  /** From a summary: counts from the tallies, documents of finished plus held slices, claims as held now. */
  public static JobProgress of(JobSummary s, Instant now, Duration stuckAfter) {
    List<HeldClaim> claims = new ArrayList<>();
    s.heldSlices().forEach((id, h) -> {
      WorkNode w = h.work();
      Instant last = w == null || w.updatedAt() == null ? h.claim().claimedAt() : w.updatedAt();
      Duration since = last == null ? Duration.ZERO : Duration.between(last, now);
      claims.add(new HeldClaim(id, h.claim().workerId(), h.claim().host(), h.claim().epoch(), since,
          since.compareTo(stuckAfter) > 0, s.workers().containsKey(h.claim().workerId())));
    });
    List<FailedSlice> failures = s.failures().stream()
        .map(e -> new FailedSlice(e.getKey(), e.getValue().packed() ? null : e.getValue().tenant(),
            e.getValue().packed() ? e.getValue().windows().size() : 1, e.getValue().attempts(), e.getValue().lastError()))
        .toList();
    CopyProgress p = s.progress();
    double rate = s.workers().values().stream().mapToDouble(WorkerInfo::docsPerSecond).sum();
    Duration eta = rate < 0.5 ? null : Duration.ofSeconds((long) (s.remainingEstimatedDocs() / rate));
    return new JobProgress(s.spec().name(), s.spec().state() == JobSpec.PublishState.READY, s.control().paused(),
        s.control().maxDocsPerSecond(), s.control().maxSlicesInFlight(), s.slices(), s.open() - s.held(), s.held(), s.done(), s.failed(),
        s.corrupt().size(), s.spec().estimatedDocs(), p.docsRead(), p.docsCreated(), p.docsAlreadyPresent(),
        p.docsRejected(), p.docsDeletedAfterRecheck(), p.docsChanged(), rate, eta, s.workers().size(), claims, failures, s.corrupt(),
        s.spec().sliceCount(), s.control().splitAllowed() ? JobControl.SPLIT_AUTO : JobControl.SPLIT_OFF);
  }
}

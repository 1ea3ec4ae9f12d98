package io.backfillfleet.coordinator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What on-call wants to know about a job, computed from one {@link JobStatus}: slices by state, documents
 * copied of estimated, the fleet's current rate (from the workers' own reports), an ETA, held claims with the
 * time since their last checkpoint (stuck ones flagged), failed slices with their errors.
 */
public record JobProgress(
    String job,
    boolean ready,
    boolean paused,
    long maxDocsPerSecond,
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
    double docsPerSecond,
    Duration eta,
    int liveWorkers,
    List<HeldClaim> claims,
    List<FailedSlice> failures,
    Map<String, String> corruptNodes) {

  /** A claim held now; {@code stuck} when its slice has not been checkpointed for longer than allowed. */
  public record HeldClaim(String sliceId, String workerId, String host, long epoch, Duration sinceLastCheckpoint,
      boolean stuck, boolean workerAlive) {}

  public record FailedSlice(String sliceId, String tenant, int attempts, String lastError) {}

  public double percent() {
    return estimatedDocs == 0 ? (done == slices ? 100 : 0) : Math.min(100, 100.0 * docsRead / estimatedDocs);
  }

  public static JobProgress of(JobStatus s, Instant now, Duration stuckAfter) {
    int pending = 0, done = 0, failed = 0, inProgress = 0;
    long read = 0, created = 0, present = 0, rejected = 0, deleted = 0, remaining = 0;
    List<FailedSlice> failures = new ArrayList<>();
    for (Map.Entry<String, WorkNode> e : s.slices().entrySet()) {
      WorkNode w = e.getValue();
      read += w.docsRead();
      created += w.docsCreated();
      present += w.docsAlreadyPresent();
      rejected += w.docsRejected();
      deleted += w.docsDeletedAfterRecheck();
      switch (w.state()) {
        case DONE -> done++;
        case FAILED -> {
          failed++;
          failures.add(new FailedSlice(e.getKey(), w.tenant(), w.attempts(), w.lastError()));
        }
        case PENDING -> {
          if (s.claims().containsKey(e.getKey())) inProgress++;
          else pending++;
          remaining += Math.max(0, w.estimatedDocs() - w.docsRead());
        }
      }
    }
    List<HeldClaim> claims = new ArrayList<>();
    s.claims().forEach((id, v) -> {
      WorkNode w = s.slices().get(id);
      Instant last = w == null || w.updatedAt() == null ? v.value().claimedAt() : w.updatedAt();
      Duration since = last == null ? Duration.ZERO : Duration.between(last, now);
      claims.add(new HeldClaim(id, v.value().workerId(), v.value().host(), v.value().epoch(), since,
          since.compareTo(stuckAfter) > 0, s.workers().containsKey(v.value().workerId())));
    });
    double rate = s.workers().values().stream().mapToDouble(WorkerInfo::docsPerSecond).sum();
    Duration eta = rate < 0.5 ? null : Duration.ofSeconds((long) (remaining / rate));
    return new JobProgress(s.spec().name(), s.spec().state() == JobSpec.PublishState.READY, s.control().paused(),
        s.control().maxDocsPerSecond(), s.slices().size() + s.corruptSlices().size(), pending, inProgress, done, failed,
        s.corruptSlices().size(), s.spec().estimatedDocs(), read, created, present, rejected, deleted, rate, eta,
        s.workers().size(), claims, failures, s.corruptSlices());
  }
}

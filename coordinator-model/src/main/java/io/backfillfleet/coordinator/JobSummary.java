package io.backfillfleet.coordinator;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A job as status and on-call see it without reading every work node: the sums of its buckets' tallies, its live
 * workers, the claims they hold (with the held slices' work nodes), and the first failed slices.
 *
 * @param totals     the sum of every bucket's {@link BucketTally}: slices, finished ones and their counts
 * @param heldSlices slice id -> the claim and the work node of a slice held now
 * @param failures   up to {@link JobSummaryReader#FAILURES_SHOWN} FAILED slices (all of them: {@code totals.failed()})
 * @param corrupt    nodes read for this summary that could not be decoded: path or id -> problem
 */
public record JobSummary(
    JobSpec spec,
    JobControl control,
    BucketTally totals,
    Map<String, WorkerInfo> workers,
    Map<String, HeldSlice> heldSlices,
    List<Map.Entry<String, WorkNode>> failures,
    Map<String, String> corrupt,
    Instant readAt) {

  /** A held slice: its claim node and its work node as read. */
  public record HeldSlice(ClaimInfo claim, WorkNode work) {}

  public int slices() {
    return totals.slices();
  }

  public int done() {
    return totals.done();
  }

  public int failed() {
    return totals.failed();
  }

  /** PENDING slices, held or not. */
  public int open() {
    return totals.open();
  }

  public int held() {
    return heldSlices.size();
  }

  /** Documents of the finished slices plus what the held ones read so far. */
  public CopyProgress progress() {
    CopyProgress p = totals.progress();
    for (HeldSlice h : heldSlices.values()) {
      if (h.work() != null) p = p.plus(h.work().progress());
    }
    return p;
  }

  /** Estimated documents of the open slices, less what the held ones read so far. */
  public long remainingEstimatedDocs() {
    long left = totals.estimatedDocs() - totals.finishedEstimatedDocs();
    for (HeldSlice h : heldSlices.values()) {
      if (h.work() != null) left -= Math.min(h.work().estimatedDocs(), h.work().docsRead());
    }
    return Math.max(0, left);
  }
}

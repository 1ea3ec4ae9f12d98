package io.backfillfleet.worker;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.CopyProgress;
import io.backfillfleet.coordinator.DeadLetters;
import io.backfillfleet.coordinator.RejectedDoc;
import io.backfillfleet.coordinator.SliceClaim;
import io.backfillfleet.coordinator.SliceRejections;
import java.util.List;

/**
 * Where a page's rejected documents go: the full list to the job's file (if it names one), the slice's count and
 * bounded sample to ZooKeeper ({@link DeadLetters}); and whether the slice is now past the job's tolerance.
 */
final class RejectionRecorder {
  private final DeadLetters deadLetters;
  private final DeadLetters changedLetters;
  private final RejectedFileSink file;
  private final RejectionPolicy policy;

  RejectionRecorder(DeadLetters deadLetters, DeadLetters changedLetters, RejectedFileSink file,
      RejectionPolicy policy) {
    this.deadLetters = deadLetters;
    this.changedLetters = changedLetters;
    this.file = file;
    this.policy = policy;
  }

  /** The job's defaults: no file, {@link RejectionPolicy#DEFAULT}. */
  static RejectionRecorder toZooKeeper(CoordinatorConnection conn) {
    return new RejectionRecorder(new DeadLetters(conn), DeadLetters.changed(conn), RejectedFileSink.NONE,
        RejectionPolicy.DEFAULT);
  }

  /**
   * Records a page's documents written with values the target could not hold as they were ({@code progress}: the
   * slice's counts including this page), listed by 'backfill rejected' apart from the rejected ones. Unlike
   * rejections they can be most documents of a job (every page of an Elasticsearch-to-Solr copy with nullable
   * fields), so once a slice's sample is full its node is left alone: returns true then, and the caller stops
   * calling for that slice (the slice's own count, checkpointed with it, is what status sums).
   */
  boolean recordChanged(SliceClaim claim, CopyProgress progress, List<RejectedDoc> changed) {
    if (changed.isEmpty()) return false;
    return changedLetters.record(claim.job(), claim.sliceId(), claim.epoch(), progress.docsChanged(), changed)
        .sample().size() >= SliceRejections.SAMPLE_SIZE;
  }

  /**
   * Records a page's rejections ({@code progress}: the slice's counts including this page). Returns null while
   * the slice is within the job's tolerance, else the reason it fails.
   */
  String record(SliceClaim claim, CopyProgress progress, List<RejectedDoc> rejected) {
    SliceRejections now = null;
    if (!rejected.isEmpty()) {
      file.append(claim.sliceId(), rejected);
      now = deadLetters.record(claim.job(), claim.sliceId(), claim.epoch(), progress.docsRejected(), rejected);
    }
    RejectionPolicy.Verdict v = policy.check(progress);
    if (!v.exceeded()) return null;
    RejectedDoc first = now != null && !now.sample().isEmpty() ? now.sample().get(0) : rejected.isEmpty() ? null
        : rejected.get(0);
    return progress.docsRejected() + " of " + progress.docsRead() + " documents rejected, " + v.limit()
        + (first == null ? "" : "; first: " + first.id() + " " + first.reason())
        + "; see 'backfill rejected --job " + claim.job() + "'";
  }
}

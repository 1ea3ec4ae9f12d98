package io.backfillfleet.worker;

import io.backfillfleet.coordinator.CoordinationException;
import io.backfillfleet.coordinator.SliceBoard;
import java.time.Duration;

/**
 * Watches for a worker that has nothing to claim because its view of the job lacks slices the job node counts.
 * That is not "no work left": the slices exist, ZooKeeper did not hand them over (a listing of the job's slices
 * larger than the packet limit fails; Curator's cache only logs it). A worker in that state would otherwise exit 0
 * and a Kubernetes Job would complete with nothing copied. After {@code grace} it raises instead.
 */
final class IncompleteView {
  private final String job;
  private final Duration grace;
  private long since = -1;

  IncompleteView(String job, Duration grace) {
    this.job = job;
    this.grace = grace;
  }

  /** Called when nothing could be claimed; raises once the view has stayed incomplete for the grace period. */
  void check(SliceBoard board) {
    int unseen = board.unseenSlices();
    if (unseen == 0) {
      since = -1;
      return;
    }
    long now = System.nanoTime();
    if (since < 0) since = now;
    if (now - since < grace.toNanos()) return;
    int seen = board.counts().total();
    throw new CoordinationException("job " + job + " has " + (seen + unseen) + " slices, but ZooKeeper handed over only "
        + seen + " of them to this worker after " + grace.toSeconds() + " s: not exiting as done. A listing of a job's"
        + " slices larger than ZooKeeper's packet limit (jute.maxbuffer, 1 MiB by default, about 30,000 slices) fails;"
        + " see the worker's log for the cache's error");
  }
}

package io.backfillfleet.worker;

import io.backfillfleet.coordinator.CoordinationException;
import io.backfillfleet.coordinator.CoordinatorUnavailableException;
import java.time.Duration;

/**
 * Tells a worker when its job cannot be read, as opposed to ZooKeeper being away for a while. An unreachable
 * ensemble is waited out (workers ride through a leader election); any other error that keeps a worker from reading
 * the job's open slices (access refused, nodes changed by hand) is raised once it has lasted {@code grace}, so the
 * worker exits non-zero instead of idling, and never exits as done.
 */
final class UnreadableBoard {
  private final String job;
  private final Duration grace;
  private long since = -1;

  UnreadableBoard(String job, Duration grace) {
    this.job = job;
    this.grace = grace;
  }

  /** The board was read. */
  void readable() {
    since = -1;
  }

  /** Reading the board failed with {@code e}; raises once such failures have lasted the grace period. */
  void failed(CoordinationException e) {
    if (e instanceof CoordinatorUnavailableException) return;
    long now = System.nanoTime();
    if (since < 0) since = now;
    if (now - since < grace.toNanos()) return;
    throw new CoordinationException("cannot read the open slices of job " + job + " for " + grace.toSeconds()
        + " s: " + e.getMessage() + "; not exiting as done", e);
  }
}

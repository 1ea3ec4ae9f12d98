package io.backfillfleet.worker;

import io.backfillfleet.store.StoreUnavailableException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's start-up checks, tried again while a cluster does not answer. Each check already retries a few times
 * (the store's {@code maxAttempts}), which a refused connection spends within seconds; a worker pod started while
 * its target restarts would then exit with an error (it was exit 2, on which the chart fails the whole Job; now 4,
 * which still counts against the Job's {@code backoffLimit}, so scaling up by dozens of pods during one restart
 * could use it up). So a check that found a cluster unreachable ({@link StoreUnavailableException}) is tried again,
 * with a backoff, for up to {@code patience}; bad configuration (a missing index, refused credentials) still stops
 * the worker at once.
 */
final class StoreWait {
  private static final Logger LOG = LoggerFactory.getLogger(StoreWait.class);

  /** Long enough for a cluster's rolling restart of a node or a full restart of a small one. */
  static final Duration DEFAULT_PATIENCE = Duration.ofMinutes(5);
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

  /** What the wait ended with: the checks passed, or a stop was asked for while waiting. */
  enum Outcome { PASSED, STOPPED }

  private final Duration patience;
  private final BooleanSupplier stopRequested;

  StoreWait(Duration patience, BooleanSupplier stopRequested) {
    if (patience.isNegative()) throw new IllegalArgumentException("patience cannot be negative: " + patience);
    this.patience = patience;
    this.stopRequested = stopRequested;
  }

  /**
   * Runs {@code checks} until they pass, a stop is asked for, or a cluster has not answered for {@code patience}:
   * then the last {@link StoreUnavailableException} is thrown. Each failed round is logged with the time left.
   */
  Outcome run(Runnable checks) throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    Duration backoff = FIRST_BACKOFF;
    for (int round = 1; ; round++) {
      try {
        checks.run();
        if (round > 1) LOG.info("the clusters answer again; starting");
        return Outcome.PASSED;
      } catch (StoreUnavailableException e) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw e;
        Duration wait = backoff.compareTo(Duration.ofNanos(left)) < 0 ? backoff : Duration.ofNanos(left);
        LOG.warn("{}; trying again in {} s (waiting up to {} s more for the cluster to answer before exiting)",
            e.getMessage(), secondsUp(wait.toNanos()), secondsUp(left));
        if (sleepUnlessStopped(wait)) return Outcome.STOPPED;
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) < 0 ? backoff.multipliedBy(2) : MAX_BACKOFF;
      }
    }
  }

  private static long secondsUp(long nanos) {
    return (nanos + 999_999_999L) / 1_000_000_000L;
  }

  /** Sleeps {@code d} in steps, so a SIGTERM during the wait stops the worker within a fraction of a second. */
  private boolean sleepUnlessStopped(Duration d) throws InterruptedException {
    long until = System.nanoTime() + d.toNanos();
    while (!stopRequested.getAsBoolean()) {
      long left = until - System.nanoTime();
      if (left <= 0) return false;
      Thread.sleep(Math.min(200, Math.max(1, left / 1_000_000)));
    }
    return true;
  }
}

package io.backfillfleet.worker;

import com.google.common.util.concurrent.RateLimiter;

/**
 * This worker's share of the job's docs/s budget: {@code maxDocsPerSecond / live workers}, followed live as
 * the control node or the fleet size changes. 0 means unlimited.
 */
final class Throttle {
  private volatile RateLimiter limiter;
  private volatile double rate;

  /** Sets the share; cheap to call often (only a change touches the limiter). */
  synchronized void update(long maxDocsPerSecond, int liveWorkers) {
    double share = maxDocsPerSecond <= 0 ? 0 : (double) maxDocsPerSecond / Math.max(1, liveWorkers);
    if (share == rate) return;
    rate = share;
    if (share <= 0) {
      limiter = null;
    } else if (limiter == null) {
      limiter = RateLimiter.create(share);
    } else {
      limiter.setRate(share);
    }
  }

  /** Blocks until {@code docs} may be written under the budget. */
  void acquire(int docs) {
    RateLimiter l = limiter;
    if (l != null && docs > 0) l.acquire(docs);
  }

  double rate() {
    return rate;
  }
}

package io.backfillfleet.worker;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How many slices this worker copies at once. The least of:
 * <ul>
 *   <li>its {@code --concurrency};</li>
 *   <li>its share of the job's fleet-wide {@code maxSlicesInFlight} (control node, followed live), so a fleet scaled
 *       from 8 to 64 pods does not bring 8 times the searches and bulks to the same clusters;</li>
 *   <li>a latency limit (Netflix concurrency-limits' {@link Gradient2Limit}): fed each page's round trip (its read
 *       and its write), it lowers the slices in flight when round trips grow beyond their long-term average, i.e.
 *       when more slices only queue up in the clusters;</li>
 *   <li>a pushback limit ({@link AIMDLimit}): halved whenever a cluster answers "busy" (429, refused items, 5xx)
 *       during a page, grown by one per page otherwise, so a refusing target gets fewer requests, not more retries.</li>
 * </ul>
 * A slice already copying is never stopped; a lower limit takes effect as slices finish.
 */
final class SliceSlots {
  private final int max;
  private final Limit latency;
  private final Limit pushback;
  private int inUse;
  private int fleetShare;

  /** {@code adaptive} false: always {@code max} (or the fleet share), as before adaptive limits existed. */
  SliceSlots(int max, boolean adaptive) {
    this.max = max;
    this.fleetShare = max;
    if (adaptive) {
      this.latency = Gradient2Limit.newBuilder().initialLimit(max).minLimit(1).maxConcurrency(max)
          .queueSize(1).longWindow(200).rttTolerance(1.5).build(); // a queue of 1: the limits here are small
      this.pushback = AIMDLimit.newBuilder().initialLimit(max).minLimit(1).maxLimit(max).backoffRatio(0.5)
          .timeout(1, TimeUnit.HOURS).build(); // drops only: latency is the other limit's job
    } else {
      this.latency = null;
      this.pushback = null;
    }
  }

  /** Takes a slot, waiting up to {@code timeout}; false if none freed up. */
  synchronized boolean tryAcquire(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inUse >= limit()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return false;
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    inUse++;
    return true;
  }

  synchronized void release() {
    inUse--;
    notifyAll();
  }

  /** This worker's share of the fleet-wide limit (0: this worker copies nothing for now). */
  synchronized void fleetShare(int share) {
    setFleetShare(Math.max(0, Math.min(max, share)));
  }

  /** No fleet-wide limit. */
  synchronized void noFleetLimit() {
    setFleetShare(max);
  }

  private void setFleetShare(int s) {
    if (s != fleetShare) {
      fleetShare = s;
      notifyAll();
    }
  }

  /** One page copied: its round trip (read wait + write), and whether a cluster pushed back meanwhile. */
  void onPage(long startNanos, long roundTripNanos, boolean pushedBack) {
    if (latency == null) return;
    int inFlight;
    synchronized (this) {
      inFlight = inUse;
    }
    latency.onSample(startNanos, roundTripNanos, inFlight, false);
    pushback.onSample(startNanos, roundTripNanos, inFlight, pushedBack);
    synchronized (this) {
      notifyAll();
    }
  }

  /** A page failed after a cluster kept pushing back (its retries ran out): only the pushback limit hears of it. */
  void pushedBack() {
    if (pushback == null) return;
    pushback.onSample(System.nanoTime(), 0, inUse(), true);
  }

  /** The slices this worker may copy at once now. */
  synchronized int limit() {
    int l = fleetShare;
    if (latency != null) l = Math.min(l, Math.min(latency.getLimit(), pushback.getLimit()));
    return l;
  }

  synchronized int inUse() {
    return inUse;
  }
}

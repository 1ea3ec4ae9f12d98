package io.backfillfleet.worker;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.concurrent.atomic.AtomicInteger;

/** The worker's metrics, in one Dropwizard registry (exported over HTTP, JMX and the progress log). */
public final class WorkerMetrics {
  final MetricRegistry registry = new MetricRegistry();
  final Meter docsRead = registry.meter("docs.read");
  final Meter docsCreated = registry.meter("docs.created");
  final Meter docsAlreadyPresent = registry.meter("docs.already_present");
  final Meter docsRejected = registry.meter("docs.rejected");
  /**
   * Written documents the resurrection guard vouched for with a search per page (cheap): all of them, and among
   * them those vouched for by a count of the page's key range below its watermark (cheapest) ...
   */
  final Meter recheckCounted = registry.meter("recheck.counted");
  final Meter recheckRanged = registry.meter("recheck.ranged");
  /** ... and those it looked up id by id in real time (a page whose count fell short, or no trusted search). */
  final Meter recheckLookedUp = registry.meter("recheck.looked_up");
  final Timer readLatency = registry.timer("read.latency");
  final Timer writeLatency = registry.timer("write.latency");
  final Timer checkpointLatency = registry.timer("checkpoint.latency");
  final Counter slicesDone = registry.counter("slices.done");
  final Counter slicesFailed = registry.counter("slices.failed");
  final Counter slicesFenced = registry.counter("slices.fenced");
  /** Slices this worker split while copying them (issue 18): each one made a successor. */
  final Counter slicesSplit = registry.counter("slices.split");
  final AtomicInteger claimsHeld = new AtomicInteger();

  public WorkerMetrics() {
    registry.gauge("claims.held", () -> claimsHeld::get);
  }

  private volatile PageMemoryBudget pageMemory;

  /** Exports what the worker's pages hold now, against the budget (to see whether memory limits the copy). */
  void watch(PageMemoryBudget budget) {
    this.pageMemory = budget;
    registry.gauge("pages.memory.held_bytes", () -> () -> pageMemory.heldBytes());
    registry.gauge("pages.memory.limit_bytes", () -> () -> pageMemory.limitBytes());
    registry.gauge("pages.memory.waits", () -> () -> pageMemory.waits());
  }

  /** Exports the slices this worker may copy at once now (adaptive and fleet-wide limits) and copies. */
  void watch(SliceSlots slots) {
    registry.gauge("slices.limit", () -> slots::limit);
    registry.gauge("slices.copying", () -> slots::inUse);
  }

  /** The most pages this worker held at once (read, not yet written). */
  public int pagesHeldAtOnceAtMost() {
    return pageMemory == null ? 0 : pageMemory.peakPages();
  }

  public long readsThatWaitedForPageMemory() {
    return pageMemory == null ? 0 : pageMemory.waits();
  }

  public long docsRead() {
    return docsRead.getCount();
  }

  public long docsCreated() {
    return docsCreated.getCount();
  }

  public long slicesSplit() {
    return slicesSplit.getCount();
  }

  public long slicesFenced() {
    return slicesFenced.getCount();
  }

  public MetricRegistry registry() {
    return registry;
  }
}

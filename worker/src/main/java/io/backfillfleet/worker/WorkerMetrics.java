package io.backfillfleet.worker;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The worker's metrics, in one Dropwizard registry (exported over HTTP, JMX and the progress log). */
public final class WorkerMetrics {
  /**
   * What each metric means, by Dropwizard name: the HELP line on {@code /metrics} and the README's metrics table
   * ({@code MetricsDocumentedTest} keeps them equal). Names gain {@code backfill_}, {@code _total} on counters and
   * {@code _seconds} on latencies.
   */
  public static final Map<String, String> HELP = Map.ofEntries(
      Map.entry("docs.read", "Documents this worker read from the source."),
      Map.entry("docs.copied", "Documents this worker created in the target (create-only writes that succeeded)."),
      Map.entry("docs.already_present", "Documents the target already held (a live dual-write was first); left as they were."),
      Map.entry("docs.rejected", "Documents the target refused (bad data); each is listed by 'backfill rejected'."),
      Map.entry("docs.changed", "Documents written with a value the target cannot hold as it was (a null in a list,"
          + " an empty list, a null, on Solr); the worker's log names the field (fieldMapping.dropNulls or"
          + " lossyValues: reject)."),
      Map.entry("recheck.counted", "Written documents the resurrection guard vouched for with one search per page."),
      Map.entry("recheck.ranged", "Of those, documents vouched for by a count of the page's key range below its watermark."),
      Map.entry("recheck.range_counts", "Key-range counts the resurrection guard sent to the source; one covers up to 32 consecutive pages of a slice."),
      Map.entry("recheck.looked_up", "Written documents the resurrection guard looked up in the source id by id."),
      Map.entry("deleted_after_recheck", "Written documents the resurrection guard deleted again: the source no longer had them (a live delete)."),
      Map.entry("read.latency", "Time to read one page from the source."),
      Map.entry("write.latency", "Time to write one page to the target."),
      Map.entry("write.failures", "Page writes to the target that failed after the store's own retries (an outage, a timeout, an error answer); the page is written again or the slice retried."),
      Map.entry("checkpoint.latency", "Time to checkpoint a slice's cursor in ZooKeeper."),
      Map.entry("slices.done", "Slices this worker finished."),
      Map.entry("slices.failed", "Slices this worker gave up on for good (FAILED; 'backfill retry' reopens them)."),
      Map.entry("slices.fenced", "Slices this worker lost while holding them (its ZooKeeper session expired, or another worker took over)."),
      Map.entry("slices.split", "Successor slices this worker split off the slices it held, for idle workers."),
      Map.entry("claims.held", "Slices this worker holds now."),
      Map.entry("slices.limit", "Slices this worker may copy at once now (lowered while a cluster answers 429 or slows down)."),
      Map.entry("slices.copying", "Slices this worker copies now."),
      Map.entry("pages.memory.held_bytes", "Estimated bytes of pages read and not yet written."),
      Map.entry("pages.memory.limit_bytes", "The page memory budget (--page-memory-mb)."),
      Map.entry("pages.memory.waits", "Reads that waited for page memory: the heap, not the clusters, held the copy back."),
      Map.entry("job.slices.{state}", "The job's slices by state (open, done, failed), from its ZooKeeper tallies; the same on every worker of a job."),
      Map.entry("job.docs.estimated", "The documents the job's plan estimated, all slices."),
      Map.entry("job.docs.remaining_estimated", "The estimated documents of the job's slices not finished yet (divide by the fleet's rate for an ETA)."),
      Map.entry("job.workers", "Workers registered in the job now."),
      Map.entry("job.paused", "1 while the job is paused ('backfill pause'), else 0."));

  final MetricRegistry registry = new MetricRegistry();
  final Meter docsRead = registry.meter("docs.read");
  final Meter docsCreated = registry.meter("docs.copied"); // not "created": Prometheus keeps the _created suffix
  final Meter docsAlreadyPresent = registry.meter("docs.already_present");
  final Meter docsRejected = registry.meter("docs.rejected");
  final Meter docsChanged = registry.meter("docs.changed");
  /**
   * Written documents the resurrection guard vouched for with a search per page (cheap): all of them, and among
   * them those vouched for by a count of the page's key range below its watermark (cheapest) ...
   */
  final Meter recheckCounted = registry.meter("recheck.counted");
  final Meter recheckRanged = registry.meter("recheck.ranged");
  /** Requests those took: one count covers several pages where they are due together ({@code DeleteRecheck.HOLD}). */
  final Counter recheckRangeCounts = registry.counter("recheck.range_counts");
  /** ... and those it looked up id by id in real time (a page whose count fell short, or no trusted search). */
  final Meter recheckLookedUp = registry.meter("recheck.looked_up");
  final Timer readLatency = registry.timer("read.latency");
  final Timer writeLatency = registry.timer("write.latency");
  final Meter writeFailures = registry.meter("write.failures");
  final Timer checkpointLatency = registry.timer("checkpoint.latency");
  final Counter slicesDone = registry.counter("slices.done");
  final Counter slicesFailed = registry.counter("slices.failed");
  final Counter slicesFenced = registry.counter("slices.fenced");
  /** Slices this worker split while copying them (issue 18): each one made a successor. */
  final Counter slicesSplit = registry.counter("slices.split");
  final Meter deletedAfterRecheck = registry.meter("deleted_after_recheck");
  final AtomicInteger claimsHeld = new AtomicInteger();
  /** The job as a whole, as last read from its tallies (by the progress tick): -1 until first read. */
  final AtomicLong jobOpen = new AtomicLong(-1);
  final AtomicLong jobDone = new AtomicLong(-1);
  final AtomicLong jobFailed = new AtomicLong(-1);
  final AtomicLong jobEstimated = new AtomicLong(-1);
  final AtomicLong jobRemaining = new AtomicLong(-1);
  final AtomicLong jobWorkers = new AtomicLong(-1);
  final AtomicLong jobPaused = new AtomicLong(0);

  public WorkerMetrics() {
    registry.gauge("claims.held", () -> claimsHeld::get);
    registry.gauge("job.slices.open", () -> jobOpen::get);
    registry.gauge("job.slices.done", () -> jobDone::get);
    registry.gauge("job.slices.failed", () -> jobFailed::get);
    registry.gauge("job.docs.estimated", () -> jobEstimated::get);
    registry.gauge("job.docs.remaining_estimated", () -> jobRemaining::get);
    registry.gauge("job.workers", () -> jobWorkers::get);
    registry.gauge("job.paused", () -> jobPaused::get);
  }

  /** A registry with every metric a running worker exports registered (for documenting them; nothing runs). */
  public static WorkerMetrics withEveryMetric() {
    WorkerMetrics m = new WorkerMetrics();
    m.watch(new PageMemoryBudget(1 << 20));
    m.watch(new SliceSlots(1, false));
    return m;
  }

  /** The job's counts as the progress tick last read them, for the job-wide gauges. */
  void jobSeen(io.backfillfleet.coordinator.SliceBoard.BoardCounts c, long estimated, long remainingEstimated,
      int workers) {
    jobEstimated.set(estimated);
    jobOpen.set(c.pending());
    jobDone.set(c.done());
    jobFailed.set(c.failed());
    jobRemaining.set(remainingEstimated);
    jobWorkers.set(workers);
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

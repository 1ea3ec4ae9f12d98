package io.backfillfleet.worker;

import io.backfillfleet.coordinator.JobLayout;
import io.backfillfleet.store.Engine;
import java.time.Duration;

/**
 * How one worker process behaves.
 *
 * @param concurrency       slices copied at once by this process ({@link #AUTO}: chosen for the source engine)
 * @param pageSize          documents per page ({@link #AUTO}: chosen for the source engine)
 * @param checkpointPages   checkpoint after this many written pages ...
 * @param checkpointEvery   ... or after this much time, whichever comes first
 * @param shutdownGrace     after SIGTERM: time to finish the page in flight, checkpoint and release
 * @param failureBackoff    pause after a slice failed before this slot claims again
 * @param settleDelay       how long after writing a page its ids are re-checked against the source (to delete
 *                          documents a live delete removed meanwhile); longer than the dual-writer's lag
 * @param pageMemoryBytes   the most memory the pages read and not yet written may take at once ({@link #AUTO}: a
 *                          quarter of the heap); slices in flight wait for room before reading
 * @param adaptive          whether the slices in flight follow the clusters' round trips and pushback, between 1 and
 *                          {@code concurrency} ({@link SliceSlots}); true when concurrency is left to the worker
 */
public record WorkerSettings(String workerId, int concurrency, int pageSize, int checkpointPages,
    Duration checkpointEvery, Duration shutdownGrace, Duration failureBackoff, Duration progressLogEvery,
    Duration settleDelay, long pageMemoryBytes, boolean adaptive) {

  /** Adaptive exactly when the concurrency is left to the worker ({@link #AUTO}): a number given is kept. */
  public WorkerSettings(String workerId, int concurrency, int pageSize, int checkpointPages, Duration checkpointEvery,
      Duration shutdownGrace, Duration failureBackoff, Duration progressLogEvery, Duration settleDelay,
      long pageMemoryBytes) {
    this(workerId, concurrency, pageSize, checkpointPages, checkpointEvery, shutdownGrace, failureBackoff,
        progressLogEvery, settleDelay, pageMemoryBytes, concurrency == AUTO);
  }

  public WorkerSettings {
    JobLayout.requireValidName("worker id", workerId);
    if (concurrency != AUTO && (concurrency < 1 || concurrency > 64)) {
      throw new IllegalArgumentException("--concurrency must be 1..64");
    }
    if (pageSize != AUTO && (pageSize < 1 || pageSize > 10_000)) {
      throw new IllegalArgumentException("--page-size must be 1..10000");
    }
    if (checkpointPages < 1) throw new IllegalArgumentException("--checkpoint-pages must be at least 1");
    checkpointEvery = checkpointEvery == null ? Duration.ofSeconds(10) : checkpointEvery;
    shutdownGrace = shutdownGrace == null ? Duration.ofSeconds(25) : shutdownGrace;
    failureBackoff = failureBackoff == null ? Duration.ofSeconds(2) : failureBackoff;
    progressLogEvery = progressLogEvery == null ? Duration.ofSeconds(10) : progressLogEvery;
    settleDelay = settleDelay == null ? Duration.ofSeconds(5) : settleDelay;
    if (settleDelay.isNegative()) throw new IllegalArgumentException("--settle-seconds cannot be negative");
    if (pageMemoryBytes < 0) throw new IllegalArgumentException("--page-memory-mb cannot be negative");
  }

  /** For concurrency, page size or page memory: let the worker choose ({@link #forSource}, {@link #pageMemory}). */
  public static final int AUTO = 0;

  /**
   * Fills in what was left to {@link #AUTO}, from measurement (README, "Speed against the peers"; one worker,
   * 100,000 documents): a worker is latency-bound, so 8 slices in flight, with the pages they hold bounded by
   * {@link #pageMemory}. ES 8 at pages of 1,000: 5,227 / 8,408 / 13,738 / 15,782 docs/s at 1 / 2 / 4 / 8 in flight,
   * at pages of 2,000: 14,094 / 18,050 at 4 / 8; at 2 in flight pages of 500 / 1,000 / 2,000: 6,895 / 8,408 / 9,306,
   * so pages of 2,000. Solr 8 source at pages of 1,000: 6,585 / 11,171 / 13,470 at 2 / 4 / 8 in flight; pages of
   * 2,000 gain nothing at 4 (11,168), so pages stay at 1,000.
   */
  public WorkerSettings forSource(Engine source) {
    boolean es = source.elasticsearchApi();
    return new WorkerSettings(workerId, concurrency != AUTO ? concurrency : 8,
        pageSize != AUTO ? pageSize : es ? 2000 : 1000, checkpointPages, checkpointEvery, shutdownGrace,
        failureBackoff, progressLogEvery, settleDelay, pageMemoryBytes, adaptive);
  }

  /** The memory budget for pages: as set, or a quarter of the heap. */
  PageMemoryBudget pageMemory() {
    return pageMemoryBytes != AUTO ? new PageMemoryBudget(pageMemoryBytes) : PageMemoryBudget.quarterOfHeap();
  }

  /** Slices in flight fixed at {@code concurrency} ({@code false}) or adapting below it ({@code true}). */
  public WorkerSettings withAdaptiveConcurrency(boolean on) {
    return new WorkerSettings(workerId, concurrency, pageSize, checkpointPages, checkpointEvery, shutdownGrace,
        failureBackoff, progressLogEvery, settleDelay, pageMemoryBytes, on);
  }

  public static WorkerSettings defaults(String workerId) {
    return new WorkerSettings(workerId, 2, 1000, 5, null, null, null, null, null, AUTO);
  }

  public WorkerSettings withCheckpoints(int pages, Duration every) {
    return new WorkerSettings(workerId, concurrency, pageSize, pages, every, shutdownGrace, failureBackoff,
        progressLogEvery, settleDelay, pageMemoryBytes, adaptive);
  }

  public WorkerSettings withPageSize(int size) {
    return new WorkerSettings(workerId, concurrency, size, checkpointPages, checkpointEvery, shutdownGrace,
        failureBackoff, progressLogEvery, settleDelay, pageMemoryBytes, adaptive);
  }

  public WorkerSettings withPageMemory(long bytes) {
    return new WorkerSettings(workerId, concurrency, pageSize, checkpointPages, checkpointEvery, shutdownGrace,
        failureBackoff, progressLogEvery, settleDelay, bytes, adaptive);
  }

  public WorkerSettings withSettleDelay(Duration d) {
    return new WorkerSettings(workerId, concurrency, pageSize, checkpointPages, checkpointEvery, shutdownGrace,
        failureBackoff, progressLogEvery, d, pageMemoryBytes, adaptive);
  }
}

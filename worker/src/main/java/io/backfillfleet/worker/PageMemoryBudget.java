package io.backfillfleet.worker;

/**
 * Bounds the memory of the pages one worker holds at once (read and not yet written), so that many slices in flight
 * cannot run the heap out when documents are large. A read first reserves what its page is expected to take and
 * waits while that would go over the budget; once read, the page holds what it measured, and gives it back when it
 * is written.
 *
 * <p>The expectation comes from pages already read: the caller's own last page if it has one (a slice's pages are
 * alike), else the worker's average document times the page size. Before any page has been measured a read
 * reserves the whole budget, so the first page is read alone and sets the scale. Holding nothing always admits a
 * read, so a page larger than the whole budget is still read, alone, and nothing waits forever.
 */
final class PageMemoryBudget {
  private final long limitBytes;
  private long heldBytes;
  private int heldPages;
  private int peakPages;
  private long waits;
  private int waiting;
  private long measuredBytes;
  private long measuredDocs;

  PageMemoryBudget(long limitBytes) {
    if (limitBytes < 1) throw new IllegalArgumentException("the page memory budget must be at least 1 byte");
    this.limitBytes = limitBytes;
  }

  /**
   * A quarter of the maximum heap: a page is held about twice while it is written (its documents, then the
   * request body), and the rest of the heap is for the clients' buffers and the JVM's own.
   */
  static PageMemoryBudget quarterOfHeap() {
    return new PageMemoryBudget(Runtime.getRuntime().maxMemory() / 4);
  }

  long limitBytes() {
    return limitBytes;
  }

  /**
   * Waits until a page fits and reserves it.
   *
   * @param lastPageBytes the caller's previous page of the same slice, or 0 if none
   * @return the bytes reserved, to pass to {@link #measured} (or {@link #release} if the read fails)
   */
  synchronized long reserve(int pageSize, long lastPageBytes) throws InterruptedException {
    long want = Math.min(limitBytes, expected(pageSize, lastPageBytes));
    boolean counted = false;
    while (heldPages > 0 && heldBytes + want > limitBytes) {
      // waiting for the worker's first page is learning the documents' size, not running short of memory
      if (!counted && (lastPageBytes > 0 || measuredDocs > 0)) {
        waits++;
        counted = true;
      }
      waiting++;
      try {
        wait();
      } finally {
        waiting--;
      }
      want = Math.min(limitBytes, expected(pageSize, lastPageBytes)); // pages measured meanwhile know better
    }
    heldBytes += want;
    heldPages++;
    peakPages = Math.max(peakPages, heldPages);
    return want;
  }

  private long expected(int pageSize, long lastPageBytes) {
    if (lastPageBytes > 0) return lastPageBytes;
    if (measuredDocs == 0) return limitBytes; // nothing seen yet: read alone
    return Math.max(1, measuredBytes / measuredDocs) * pageSize;
  }

  /**
   * The page read on {@code reserved} takes {@code actualBytes} for {@code docs} documents: it holds that from now
   * on, over the budget if the guess was low (the page is in memory already; later reads wait).
   */
  synchronized void measured(long reserved, long actualBytes, int docs) {
    heldBytes += actualBytes - reserved;
    measuredBytes += actualBytes;
    measuredDocs += docs;
    notifyAll();
  }

  /** A page held with {@code bytes} was written (or given up): its memory is free. */
  synchronized void release(long bytes) {
    heldBytes -= bytes;
    heldPages--;
    notifyAll();
  }

  synchronized long heldBytes() {
    return heldBytes;
  }

  /** Reads waiting for room right now. */
  synchronized int waiting() {
    return waiting;
  }

  /** How many reads so far had to wait for room once the documents' size was known: memory held the copy back. */
  synchronized long waits() {
    return waits;
  }

  /** The most pages held at once so far. */
  synchronized int peakPages() {
    return peakPages;
  }
}

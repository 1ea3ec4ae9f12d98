package io.backfillfleet.worker;

import com.codahale.metrics.Timer;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.WindowReader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * A slice's pages, read one ahead: while the caller writes a page, the next one is read. Each read first waits for
 * room in the worker's {@link PageMemoryBudget}; a page holds its memory until the caller {@link HeldPage#release()
 * releases} it, which it does once the page is written.
 */
final class PageReadAhead implements AutoCloseable {
  private final WindowReader reader;
  private final int pageSize;
  private final ExecutorService threads;
  private final PageMemoryBudget memory;
  private final WorkerMetrics metrics;
  private CompletableFuture<HeldPage> next;

  /** A page read, and the memory it holds in the budget until released. */
  final class HeldPage {
    final Page page;
    private final long bytes;
    private boolean released;

    private HeldPage(Page page, long bytes) {
      this.page = page;
      this.bytes = bytes;
    }

    void release() {
      if (released) return;
      released = true;
      memory.release(bytes);
    }
  }

  PageReadAhead(WindowReader reader, int pageSize, ExecutorService threads, PageMemoryBudget memory,
      WorkerMetrics metrics) {
    this.reader = reader;
    this.pageSize = pageSize;
    this.threads = threads;
    this.memory = memory;
    this.metrics = metrics;
    this.next = read(0);
  }

  /** The next page (waiting for it), and the read of the one after it started, unless this was the last. */
  HeldPage take() {
    HeldPage held = join(next);
    next = held.page.last() ? null : read(held.bytes); // a slice's pages are alike: expect another of this size
    return held;
  }

  private CompletableFuture<HeldPage> read(long lastPageBytes) {
    return CompletableFuture.supplyAsync(() -> {
      long reserved = reserve(lastPageBytes);
      try (Timer.Context t = metrics.readLatency.time()) {
        Page p = reader.readPage(pageSize);
        long bytes = DocFootprint.of(p.docs());
        memory.measured(reserved, bytes, p.docs().size());
        metrics.docsRead.mark(p.docs().size());
        return new HeldPage(p, bytes);
      } catch (RuntimeException e) {
        memory.release(reserved);
        throw e;
      }
    }, threads);
  }

  private long reserve(long lastPageBytes) {
    try {
      return memory.reserve(pageSize, lastPageBytes);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for memory to read a page", e);
    }
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw e;
    }
  }

  /**
   * A read still in flight will never be written: waits for it to end and gives its page's memory back, so the
   * reader is never closed under a read still running (an Elasticsearch read would open a point-in-time after the
   * reader closed its own, and nobody would close that one). The wait is one page read at most.
   */
  @Override
  public void close() {
    CompletableFuture<HeldPage> inFlight = next;
    next = null;
    if (inFlight == null) return;
    try {
      inFlight.get().release();
    } catch (InterruptedException e) {
      // a shutdown past its grace period: give up waiting, the page gives its memory back when it arrives
      Thread.currentThread().interrupt();
      inFlight.thenAccept(HeldPage::release);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
      // the read failed: it holds nothing (its reservation was given back), and its error is not this caller's
    }
  }
}

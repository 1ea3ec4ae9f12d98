package io.backfillfleet.worker;

import io.backfillfleet.coordinator.CopyProgress;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.PageRange;
import io.backfillfleet.store.SourceStore;
import io.backfillfleet.store.StoreException;
import io.backfillfleet.store.StoreUnavailableException;
import io.backfillfleet.store.TargetStore;
import io.backfillfleet.store.WindowReader;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard against resurrected deletes (DESIGN.md section 7). A document read from legacy, deleted from both
 * clusters by a live delete, then written by the backfill would come back. So every written page is re-checked
 * against the source once a settle delay (longer than the dual-writer's lag) has passed, and ids the source no
 * longer has are deleted from the target in two steps ({@link GoneFromSource}): their target versions are read,
 * and after another settle delay the source is asked again; what is still gone is deleted at the version read,
 * so a live re-create survives whichever cluster the dual-writer wrote first.
 *
 * <p>Most pages lose nothing: where the source's searches can be trusted ({@link SearchFirstLook}), a page is first
 * counted: by its key ranges below their watermark where the reader gave them (nearly free), else by its ids (one
 * search); only a page whose counts fall short is looked up id by id.
 *
 * <p>It also decides what may be checkpointed: only positions whose pages were re-checked ({@link #safePoint()}),
 * so a crash never leaves an unchecked page behind; the next holder re-reads and re-checks it.
 */
final class DeleteRecheck {
  private static final Logger LOG = LoggerFactory.getLogger(DeleteRecheck.class);

  /** A written page waiting for its re-check, with the position and counts just after it. */
  private static final class Written {
    final Cursor after;
    final CopyProgress progress;
    final List<CopiedDoc> ids;
    /** The page's key ranges, when they cover all of it ({@link io.backfillfleet.store.PageRange}); else empty. */
    final List<PageRange> ranges;
    final long writtenAtNanos;
    long dueAtNanos;
    /** Null until the first look; then the documents the source lacked, waiting to be confirmed gone. */
    Map<CopiedDoc, String> suspects;

    Written(Cursor after, CopyProgress progress, List<CopiedDoc> ids, List<PageRange> ranges, long dueAtNanos) {
      this.after = after;
      this.progress = progress;
      this.ids = ids;
      this.ranges = ranges;
      this.writtenAtNanos = System.nanoTime();
      this.dueAtNanos = dueAtNanos;
    }
  }

  /** A position that may be checkpointed, with the counts that go with it. */
  record SafePoint(Cursor cursor, CopyProgress progress) {}

  /**
   * Benchmark only ({@code -Dbackfill.bench.guard=off}): written pages are not re-checked at all, to measure what
   * the guard costs the source. Never for a real migration: live deletes would come back.
   */
  static final boolean GUARD_OFF = "off".equals(System.getProperty("backfill.bench.guard"));

  /** How long a due page waits for the pages after it, so that one count covers them all ({@link #rangedRun}). */
  static final Duration HOLD = Duration.ofSeconds(5);
  /** Pages one count may cover: what a run's failure sends back to a page-by-page look stays bounded. */
  static final int MOST_PAGES_JOINED = 32;

  private final GoneFromSource gone;
  private final SearchFirstLook firstLook;
  private final WorkerMetrics metrics;
  private final TargetStore target;
  /** The target, when it can be read by window (for reconciling a taken-over slice); else null. */
  private final SourceStore readableTarget;
  private final long settleNanos;
  private final Deque<Written> pending = new ArrayDeque<>();
  private long deleted;
  private SafePoint safe;

  DeleteRecheck(SourceStore source, TargetStore target, Duration settle, Cursor start, CopyProgress atStart) {
    this(source, target, settle, start, atStart, null, new WorkerMetrics());
  }

  DeleteRecheck(SourceStore source, TargetStore target, Duration settle, Cursor start, CopyProgress atStart,
      SearchFirstLook firstLook, WorkerMetrics metrics) {
    this.gone = new GoneFromSource(source, target);
    this.firstLook = firstLook;
    this.metrics = metrics;
    this.target = target;
    this.readableTarget = target instanceof SourceStore readable ? readable : null;
    this.settleNanos = settle.toNanos();
    this.deleted = atStart.docsDeletedAfterRecheck();
    this.safe = new SafePoint(start, atStart);
  }

  /** A written page whose key ranges ({@code ranges}, empty if none) account for every document read in it. */
  void written(Cursor after, CopyProgress progress, Collection<CopiedDoc> ids, List<PageRange> ranges) {
    pending.addLast(new Written(after, progress, List.copyOf(ids), List.copyOf(ranges), firstLookDue(System.nanoTime())));
  }

  /** When a page written at {@code at} is first looked at: later when a count may vouch for it. */
  private long firstLookDue(long at) {
    Duration counted;
    try {
      counted = firstLook == null ? null : firstLook.countableAfter(at);
    } catch (RuntimeException e) {
      counted = null; // the page must be registered whatever happens; the re-check asks again
    }
    return at + (counted == null ? settleNanos : counted.toNanos());
  }

  /**
   * A page whose write failed may still have landed, in part or late (a timed-out request, a retry after this
   * worker lost its claim). Its ids are re-checked like a written page's, but the safe point does not move past it.
   */
  void maybeWritten(Collection<CopiedDoc> ids) {
    Written before = pending.peekLast();
    Cursor at = before == null ? safe.cursor() : before.after;
    CopyProgress counts = before == null ? safe.progress() : before.progress;
    pending.addLast(new Written(at, counts, List.copyOf(ids), List.of(), System.nanoTime() + settleNanos));
  }

  /**
   * Re-checks the pages whose settle delay has passed, in order (all of them if {@code waitForAll}, sleeping as
   * needed). A page whose ids the source lacked waits one more settle delay for the confirming look.
   */
  void recheck(boolean waitForAll) {
    while (!pending.isEmpty()) {
      Written w = pending.peekFirst();
      long wait = w.dueAtNanos - System.nanoTime();
      if (wait > 0) {
        if (!waitForAll) return;
        sleep(wait);
      }
      if (GUARD_OFF) {
        passed();
        continue;
      }
      if (w.suspects == null) {
        Duration counted = firstLook == null ? null : firstLook.countableAfter(System.nanoTime());
        if (counted != null) {
          long due = w.writtenAtNanos + counted.toNanos();
          if (due > System.nanoTime()) { // the bound grew since the page was written: wait for it, as for any page
            w.dueAtNanos = due;
            continue;
          }
          if (!w.ranges.isEmpty()) {
            List<Written> run = rangedRun(w, counted, waitForAll);
            if (run.isEmpty()) return; // held for the pages after it
            metrics.recheckRangeCounts.inc();
            if (firstLook.rangesUnchanged(run.stream().flatMap(r -> r.ranges.stream()).toList())) {
              for (Written r : run) {
                metrics.recheckRanged.mark(r.ids.size());
                metrics.recheckCounted.mark(r.ids.size());
                passed();
              }
              continue;
            }
            // a shortfall somewhere in the run: this page is looked at alone, then the next, as before
            if (run.size() > 1 && countedAlone(w)) {
              metrics.recheckRanged.mark(w.ids.size());
              metrics.recheckCounted.mark(w.ids.size());
              passed();
              continue;
            }
          }
          if (firstLook.allFound(w.ids)) {
            metrics.recheckCounted.mark(w.ids.size());
            passed();
            continue;
          }
        }
        metrics.recheckLookedUp.mark(w.ids.size());
        w.suspects = gone.suspects(w.ids);
        if (!w.suspects.isEmpty()) {
          w.dueAtNanos = System.nanoTime() + settleNanos;
          continue;
        }
      } else {
        deleteConfirmed(w.suspects, w.ids.size());
      }
      passed();
    }
  }

  /**
   * The due page {@code head} and the pages written after it that one key-range count can cover with it: those that
   * carry ranges, had no look yet, and are due by the time {@code head} has been held {@link #HOLD}. Empty while the
   * head should still wait for them (unless {@code waitForAll}, at a slice's end, when it sleeps until the run is
   * due). Holding costs nothing but a later safe point: the count is one request whatever it covers, which is what the
   * guard mostly costs the source.
   */
  private List<Written> rangedRun(Written head, Duration counted, boolean waitForAll) {
    long heldUntil = head.dueAtNanos + HOLD.toNanos();
    long now = System.nanoTime();
    List<Written> run = new ArrayList<>();
    long lastDue = head.dueAtNanos;
    for (Written r : pending) {
      long due = Math.max(r.dueAtNanos, r.writtenAtNanos + counted.toNanos());
      if (run.size() == MOST_PAGES_JOINED || r.ranges.isEmpty() || r.suspects != null || due > heldUntil) break;
      if (!waitForAll && due > now) {
        if (now < heldUntil) return List.of(); // not due yet, and the head may still wait for it
        break;
      }
      run.add(r);
      lastDue = Math.max(lastDue, due);
    }
    if (waitForAll) {
      if (lastDue > now) sleep(lastDue - now);
      return run;
    }
    if (now < heldUntil && run.size() < MOST_PAGES_JOINED) return List.of();
    return run;
  }

  private boolean countedAlone(Written w) {
    metrics.recheckRangeCounts.inc();
    return firstLook.rangesUnchanged(w.ranges);
  }

  /** The oldest pending page is re-checked: the safe point moves past it. */
  private void passed() {
    Written w = pending.removeFirst();
    safe = safeAt(w.after, w.progress);
  }

  private void deleteConfirmed(Map<CopiedDoc, String> suspects, int checked) {
    List<String> removed = gone.deleteConfirmed(suspects);
    deleted += removed.size();
    metrics.deletedAfterRecheck.mark(removed.size());
    LOG.debug("re-check of {} ids: gone from the source twice and in the target at {}, deleted {}", checked,
        suspects.values(), removed);
  }

  /** After an abnormal end: re-check what this worker wrote and has not re-checked yet; log, never throw. */
  void finishBestEffort(String sliceId) {
    if (pending.isEmpty()) return;
    try {
      recheck(true);
    } catch (RuntimeException e) {
      LOG.error("slice {}: could not re-check {} written pages against"
          + " the source ({}); run 'backfill verify' before cutting over", sliceId, pending.size(), e.getMessage());
    }
  }

  /**
   * For a slice taken over from another holder: that holder may have written pages past its last checkpoint that
   * were never re-checked, and this reader does not see the documents deleted since. So every target document of
   * the slice's windows (each tenant's of a packed slice) that the source no longer has is deleted, at the version
   * seen; one confirming wait for all of them.
   */
  void reconcileWindows(List<SliceWindow> windows, Consumer<String> unreadable) {
    if (readableTarget == null) return;
    readableTarget.makeVisible(); // the earlier holder's writes may not be searchable yet
    Map<CopiedDoc, String> suspects = new HashMap<>();
    long seenInTarget = 0;
    for (SliceWindow w : windows) {
      long seen = suspectsIn(w, suspects, unreadable);
      if (seen < 0) return; // the target cannot be read by window: said once, for the whole slice
      seenInTarget += seen;
    }
    if (!suspects.isEmpty()) {
      sleep(settleNanos); // the confirming look comes a dual-writer's lag after the versions were read
      deleteConfirmed(suspects, suspects.size());
    }
    LOG.debug("reconciled {} windows: {} documents in the target", windows.size(), seenInTarget);
    safe = safeAt(safe.cursor(), safe.progress());
  }

  /** Adds the window's target documents the source lacks to {@code suspects}; how many it saw, -1 if unreadable. */
  private long suspectsIn(SliceWindow w, Map<CopiedDoc, String> suspects, Consumer<String> unreadable) {
    List<CopiedDoc> batch = new ArrayList<>();
    long seenInTarget = 0;
    try (WindowReader r = readableTarget.reader(w.tenant(), w.window(), Cursor.START)) {
      while (true) {
        Page p;
        try {
          p = r.readPage(1000);
        } catch (StoreUnavailableException e) {
          throw e;
        } catch (StoreException e) {
          unreadable.accept(e.getMessage()); // the target cannot be read by window; a failed delete is not this
          return -1;
        }
        for (Doc d : p.docs()) batch.add(CopiedDoc.seenInTarget(d, target));
        seenInTarget += p.docs().size();
        if (batch.size() >= 1000 || p.last()) {
          suspects.putAll(gone.suspects(batch));
          batch.clear();
        }
        if (p.last()) break;
      }
    }
    return seenInTarget;
  }

  /** A safe point at {@code at} with {@code counts}, its deletions being all this re-check has done so far. */
  private SafePoint safeAt(Cursor at, CopyProgress counts) {
    return new SafePoint(at, new CopyProgress(counts.docsRead(), counts.docsCreated(), counts.docsAlreadyPresent(),
        counts.docsRejected(), deleted, counts.docsChanged()));
  }

  SafePoint safePoint() {
    return safe;
  }

  long deleted() {
    return deleted;
  }

  private static void sleep(long nanos) {
    try {
      Thread.sleep(Math.max(1, nanos / 1_000_000)); // the settle delay itself: nothing to wait on but time
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to re-check written documents", e);
    }
  }
}

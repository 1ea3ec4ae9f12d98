package io.backfillfleet.worker;

import io.backfillfleet.coordinator.CopyProgress;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.SourceStore;
import io.backfillfleet.store.StoreException;
import io.backfillfleet.store.StoreUnavailableException;
import io.backfillfleet.store.TargetStore;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard against resurrected deletes (DESIGN.md section 7). A document read from legacy, deleted from both
 * clusters by a live delete, then written by the backfill would come back. So every written page is re-checked
 * against the source once a settle delay (longer than the dual-writer's lag) has passed, and ids the source no
 * longer has are deleted from the target, only at the version just seen there, so a live re-create survives.
 *
 * <p>It also decides what may be checkpointed: only positions whose pages were re-checked ({@link #safePoint()}),
 * so a crash never leaves an unchecked page behind; the next holder re-reads and re-checks it.
 */
final class DeleteRecheck {
  private static final Logger LOG = LoggerFactory.getLogger(DeleteRecheck.class);
  /** A written page waiting for its re-check, with the position and counts just after it. */
  private record Written(Cursor after, CopyProgress progress, List<String> ids, long writtenAtNanos) {}

  /** A position that may be checkpointed, with the counts that go with it. */
  record SafePoint(Cursor cursor, CopyProgress progress) {}

  private final SourceStore source;
  private final TargetStore target;
  private final long settleNanos;
  private final Deque<Written> pending = new ArrayDeque<>();
  private long deleted;
  private SafePoint safe;

  DeleteRecheck(SourceStore source, TargetStore target, Duration settle, Cursor start, CopyProgress atStart) {
    this.source = source;
    this.target = target;
    this.settleNanos = settle.toNanos();
    this.deleted = atStart.docsDeletedAfterRecheck();
    this.safe = new SafePoint(start, atStart);
  }

  void written(Cursor after, CopyProgress progress, Collection<String> ids) {
    pending.addLast(new Written(after, progress, List.copyOf(ids), System.nanoTime()));
  }

  /**
   * A page whose write failed may still have landed, in part or late (a timed-out request, a retry after this
   * worker lost its claim). Its ids are re-checked like a written page's, but the safe point does not move past it.
   */
  void maybeWritten(Collection<String> ids) {
    Written before = pending.peekLast();
    Cursor at = before == null ? safe.cursor() : before.after();
    CopyProgress counts = before == null ? safe.progress() : before.progress();
    pending.addLast(new Written(at, counts, List.copyOf(ids), System.nanoTime()));
  }

  /** Re-checks the pages whose settle delay has passed (all of them if {@code waitForAll}, sleeping as needed). */
  void recheck(boolean waitForAll) {
    while (!pending.isEmpty()) {
      Written w = pending.peekFirst();
      long wait = w.writtenAtNanos() + settleNanos - System.nanoTime();
      if (wait > 0) {
        if (!waitForAll) return;
        sleep(wait);
      }
      check(w.ids());
      pending.removeFirst();
      safe = safeAt(w.after(), w.progress());
    }
  }

  private void check(List<String> ids) {
    if (ids.isEmpty()) return;
    Set<String> stillInSource = source.existingIds(ids);
    List<String> gone = new ArrayList<>();
    for (String id : ids) if (!stillInSource.contains(id)) gone.add(id);
    if (gone.isEmpty()) return;
    Map<String, String> seen = target.versions(gone);
    List<String> removed = target.deleteIfUnchanged(seen);
    deleted += removed.size();
    LOG.debug("re-check of {} ids: gone from the source {}, in the target at {}, deleted {}", ids.size(), gone, seen,
        removed);
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
   * the window that the source no longer has is deleted, at the version seen.
   */
  void reconcileWindow(String tenant, TimeWindow window, Consumer<String> unreadable) {
    if (!(target instanceof SourceStore readable)) return;
    target.makeVisible(); // the earlier holder's writes may not be searchable yet
    List<String> batch = new ArrayList<>();
    long seenInTarget = 0;
    try (WindowReader r = readable.reader(tenant, window, Cursor.START)) {
      while (true) {
        Page p;
        try {
          p = r.readPage(1000);
        } catch (StoreUnavailableException e) {
          throw e;
        } catch (StoreException e) {
          unreadable.accept(e.getMessage()); // the target cannot be read by window; a failed delete is not this
          return;
        }
        for (Doc d : p.docs()) batch.add(d.id());
        seenInTarget += p.docs().size();
        if (batch.size() >= 1000 || p.last()) {
          check(batch);
          batch.clear();
        }
        if (p.last()) break;
      }
    }
    LOG.debug("reconciled window {} of tenant {}: {} documents in the target", window, tenant, seenInTarget);
    safe = safeAt(safe.cursor(), safe.progress());
  }

  /** A safe point at {@code at} with {@code counts}, its deletions being all this re-check has done so far. */
  private SafePoint safeAt(Cursor at, CopyProgress counts) {
    return new SafePoint(at, new CopyProgress(counts.docsRead(), counts.docsCreated(), counts.docsAlreadyPresent(),
        counts.docsRejected(), deleted));
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

package io.backfillfleet.worker;

import com.codahale.metrics.Timer;
import io.backfillfleet.coordinator.CopyProgress;
import io.backfillfleet.coordinator.CursorCheckpoint;
import io.backfillfleet.coordinator.FencedException;
import io.backfillfleet.coordinator.RejectedDoc;
import io.backfillfleet.coordinator.SliceClaim;
import io.backfillfleet.coordinator.SliceState;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.DocConverter;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.SourceStore;
import io.backfillfleet.store.StoreException;
import io.backfillfleet.store.StorePushback;
import io.backfillfleet.store.StoreUnavailableException;
import io.backfillfleet.store.TargetStore;
import io.backfillfleet.store.WindowReader;
import io.backfillfleet.store.WriteResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one claimed slice, like a Flink split reader: from the saved cursor, page by page, reading the next
 * page while the current one is written, create-only, checkpointing every N pages or T seconds. The cursor is
 * saved only past pages that were written, so a crash re-copies at most one checkpoint interval (harmlessly:
 * writes are create-only).
 */
final class SliceCopier {
  private static final Logger LOG = LoggerFactory.getLogger(SliceCopier.class);

  /** How a slice copy ended. */
  enum Outcome { COMPLETED, FAILED_WILL_RETRY, FAILED, FENCED, STOPPED }

  private final SourceStore source;
  private final TargetStore target;
  private final DocConverter converter;
  private final RejectionRecorder rejections;
  private final WorkerSettings settings;
  private final WorkerMetrics metrics;
  private final Throttle throttle;
  private final PauseGate pause;
  private final ExecutorService readAhead;
  private final PageMemoryBudget memory;
  private final int maxAttempts;
  private final SearchFirstLook firstLook;
  private SliceSlots slots; // told each page's round trip, for the adaptive limit; none in some tests
  private SplitPolicy splitting; // none: slices are never split
  private final SliceDurations durations = new SliceDurations();

  SliceCopier(SourceStore source, TargetStore target, DocConverter converter, RejectionRecorder rejections,
      WorkerSettings settings, WorkerMetrics metrics, Throttle throttle, PauseGate pause, ExecutorService readAhead,
      PageMemoryBudget memory, int maxAttempts) {
    this.source = source;
    this.target = target;
    this.converter = converter;
    this.rejections = rejections;
    this.settings = settings;
    this.metrics = metrics;
    this.throttle = throttle;
    this.pause = pause;
    this.readAhead = readAhead;
    this.memory = memory;
    this.maxAttempts = maxAttempts;
    this.firstLook = new SearchFirstLook(source, settings.settleDelay());
  }

  /** Tells {@code s} each page's round trip and pushback (its adaptive limit follows them). */
  SliceCopier observedBy(SliceSlots s) {
    this.slots = s;
    return this;
  }

  /** Lets held slices split while they run ({@link SplittingReader}), as {@code policy} decides. */
  SliceCopier splitBy(SplitPolicy policy) {
    this.splitting = policy;
    return this;
  }

  /** How long this copier's slices took (claim to last page written): the split rule compares with their median. */
  SliceDurations durations() {
    return durations;
  }

  Outcome copy(SliceClaim claim, BooleanSupplier stopRequested) {
    return copy(claim, stopRequested, () -> { });
  }

  /**
   * Copies the slice; {@code settling} runs once the last page is written, when only the slice's tail is left
   * (waiting out the settle delay, the last re-checks, completing), so the caller can start copying another slice.
   */
  Outcome copy(SliceClaim claim, BooleanSupplier stopRequested, Runnable settling) {
    WorkNode w = claim.work();
    CopyProgress progress = w.progress();
    Cursor start = Cursor.of(w.cursor());
    DeleteRecheck recheck = new DeleteRecheck(source, target, settings.settleDelay(), start, progress, firstLook,
        metrics);
    LOG.debug("slice {} claimed at epoch {}, from cursor {}", claim.sliceId(), w.epoch(), w.cursor());
    try {
      return copy(claim, stopRequested, settling, w, progress, start, recheck);
    } finally {
      // Whatever ended the copy (fenced, failed, an outage), pages this worker wrote are re-checked: only the writer
      // knows which ids it wrote, and a live delete of one of them must not be undone by this write.
      recheck.finishBestEffort(claim.sliceId());
    }
  }

  private Outcome copy(SliceClaim claim, BooleanSupplier stopRequested, Runnable settling, WorkNode w,
      CopyProgress progress, Cursor start, DeleteRecheck recheck) {
    int pagesSinceCheckpoint = 0;
    boolean changedSampleFull = false;
    long lastCheckpoint = System.nanoTime();
    long claimedAt = lastCheckpoint;
    // a packed slice's windows are read as one stream: one claim, one checkpoint stream, one settle delay at the end;
    // the reader may split the slice's unread rest off to a successor (then claim.work() has the narrowed windows)
    try {
      try (WindowReader reader = new SplittingReader(source, claim, start, splitting, metrics);
           PageReadAhead pages = new PageReadAhead(reader, settings.pageSize(), readAhead, memory, metrics)) {
        while (true) {
          long pageStart = System.nanoTime();
          long pushbacks = StorePushback.count();
          PageReadAhead.HeldPage held = pages.take(); // the next read runs while this page is throttled and written
          long readWait = System.nanoTime() - pageStart;
          long writeTime;
          Page page = held.page;
          List<DocConverter.Outcome> converted = page.docs().stream().map(converter::convert).toList();
          List<Doc> mapped = converted.stream().map(DocConverter.Outcome::doc).toList();
          List<CopiedDoc> written = copied(page, mapped);
          WriteResult r;
          try {
            if (!pause.awaitRunning(stopRequested)) {
              return stop(claim, recheck);
            }
            throttle.acquire(page.docs().size());
            claim.verifyHeld(); // never write a page for a slice that is no longer ours
            long writeStart = System.nanoTime();
            r = write(converted, written, recheck);
            writeTime = System.nanoTime() - writeStart;
          } finally {
            held.release(); // now, not at the end of the slice: its settle delay must not hold memory
          }
          if (slots != null) slots.onPage(pageStart, readWait + writeTime, StorePushback.count() != pushbacks);
          List<RejectedDoc> changed = changedAndCreated(converted, r, claim);
          progress = progress.plus(new CopyProgress(page.docs().size(), r.created().size(), r.alreadyPresent().size(),
              r.rejected().size(), 0, changed.size()));
          // Registered for its re-check first, before anything that can fail (the dead-letter write to ZooKeeper):
          // a written page must never miss its re-check. Every id sent is re-checked, rejected ones too: a shard may
          // have stored a document it reported as failed.
          recheck.written(page.next(), progress, written, page.rangesCoverDocs() ? page.ranges() : List.of());
          LOG.debug("slice {} epoch {}: wrote {} documents, created {}", claim.sliceId(), w.epoch(), page.docs().size(),
              r.created());
          List<RejectedDoc> rejected = r.rejected().stream().map(x -> new RejectedDoc(x.id(), x.reason())).toList();
          if (!rejected.isEmpty()) {
            LOG.warn("slice {}: target rejected {} documents (first: {} - {}); listed by 'backfill rejected --job {}'",
                claim.sliceId(), rejected.size(), rejected.get(0).id(), rejected.get(0).reason(), claim.job());
          }
          if (!changedSampleFull) changedSampleFull = rejections.recordChanged(claim, progress, changed);
          if (progress.docsRejected() > 0) {
            String overTolerance = rejections.record(claim, progress, rejected);
            if (overTolerance != null) return fail(claim, overTolerance, 1); // copying on cannot fix it: FAILED now
          }
          if (page.last()) break; // the slice's tail runs below, its reader closed
          recheck.recheck(false);
          pagesSinceCheckpoint++;
          boolean due = pagesSinceCheckpoint >= settings.checkpointPages()
              || System.nanoTime() - lastCheckpoint >= settings.checkpointEvery().toNanos();
          if (stopRequested.getAsBoolean()) {
            return stop(claim, recheck);
          }
          if (due) {
            CursorCheckpoint cp = checkpointOf(recheck.safePoint());
            timed(() -> claim.checkpoint(cp));
            pagesSinceCheckpoint = 0;
            lastCheckpoint = System.nanoTime();
          }
        }
      }
      // its reader closed: no point-in-time or export stream is held while the slice settles
      return complete(claim, w, recheck, claimedAt, settling);
    } catch (FencedException e) {
      metrics.slicesFenced.inc();
      LOG.warn("{}", e.getMessage());
      return Outcome.FENCED;
    } catch (StoreUnavailableException e) {
      // an outage is not the slice's fault: give it back (cursor kept) without spending an attempt
      if (slots != null) slots.pushedBack();
      LOG.warn("slice {} paused by an outage, released for later: {}", claim.sliceId(), e.getMessage());
      try {
        claim.release();
      } catch (RuntimeException releaseFailed) {
        LOG.warn("slice {}: release failed too ({}); the claim ends with this session", claim.sliceId(),
            releaseFailed.getMessage());
      }
      return Outcome.FAILED_WILL_RETRY;
    } catch (StoreException e) {
      return fail(claim, e.getMessage(), maxAttempts);
    } catch (RuntimeException e) {
      return fail(claim, e.getClass().getSimpleName() + ": " + e.getMessage(), maxAttempts);
    }
  }

  /**
   * The slice's tail once its last page is written: {@code settling} (the caller's slot change), the settle delay and
   * the last re-checks, the reconciliation of a taken-over slice, completion.
   */
  private Outcome complete(SliceClaim claim, WorkNode w, DeleteRecheck recheck, long claimedAt, Runnable settling) {
    durations.add(java.time.Duration.ofNanos(System.nanoTime() - claimedAt));
    settling.run();
    recheck.recheck(true);
    // an earlier holder may have written more; within the windows the slice has now (a split narrows them)
    if (w.epoch() > 1) reconcile(claim, claim.work(), recheck);
    CursorCheckpoint last = checkpointOf(recheck.safePoint());
    timed(() -> claim.complete(last));
    metrics.slicesDone.inc();
    CopyProgress p = last.progress();
    LOG.info("slice {} done: {} read, {} created ({} with changed values), {} already present, {} rejected, {}"
        + " deleted after re-check", claim.sliceId(), p.docsRead(), p.docsCreated(), p.docsChanged(),
        p.docsAlreadyPresent(), p.docsRejected(), p.docsDeletedAfterRecheck());
    return Outcome.COMPLETED;
  }

  /**
   * The window reconciliation of a taken-over slice. If the target cannot be read by window (an Elasticsearch target
   * without a keyword id field, say), the slice still completes and the log says how to check it instead. A failure
   * while re-checking or deleting fails the slice like any copy error: it is retried and reconciled again.
   */
  private static void reconcile(SliceClaim claim, WorkNode w, DeleteRecheck recheck) {
    recheck.reconcileWindows(SliceWindow.of(w), problem -> LOG.error("slice {} was taken over from another worker, and"
        + " its window could not be read on the target to reconcile it ({}); run 'backfill verify --job {} --ids' and"
        + " 'backfill repair --delete-extra' before cutting over", claim.sliceId(), problem, claim.job()));
  }

  /**
   * Graceful stop: re-check every written page (waiting out their settle delay: they would be re-checked on the way
   * out anyway), checkpoint past them, give the slice back; the next holder resumes after everything this one wrote.
   * Only if two settle delays (a page whose ids the source lacked is looked at twice) fit in the grace period;
   * otherwise what has settled, as the checkpoint must land before the grace period ends.
   */
  private Outcome stop(SliceClaim claim, DeleteRecheck recheck) {
    recheck.recheck(settings.settleDelay().multipliedBy(2).compareTo(settings.shutdownGrace()) < 0);
    CursorCheckpoint cp = checkpointOf(recheck.safePoint());
    timed(() -> claim.checkpoint(cp));
    claim.release();
    LOG.info("slice {} released at {} documents read", claim.sliceId(), cp.progress().docsRead());
    return Outcome.STOPPED;
  }

  /**
   * The page's documents this write created with a value the target cannot hold as it was, each with what changed
   * (one already present was not written by us); counted, and the first one named in the log.
   */
  private List<RejectedDoc> changedAndCreated(List<DocConverter.Outcome> converted, WriteResult r, SliceClaim claim) {
    java.util.Set<String> created = new java.util.HashSet<>(r.created());
    List<RejectedDoc> changed = converted.stream()
        .filter(o -> o instanceof DocConverter.Converted c && !c.changes().isEmpty() && created.contains(c.doc().id()))
        .map(o -> new RejectedDoc(o.doc().id(), String.join("; ", ((DocConverter.Converted) o).changes())))
        .toList();
    if (!changed.isEmpty()) {
      metrics.docsChanged.mark(changed.size());
      LOG.warn("slice {}: {} documents written with values the target cannot hold as they were (first: {} - {});"
          + " listed by 'backfill rejected --job {}'; fieldMapping.dropNulls: true leaves such values out quietly,"
          + " lossyValues: reject rejects the documents", claim.sliceId(), changed.size(), changed.get(0).id(),
          changed.get(0).reason(), claim.job());
    }
    return changed;
  }

  /** Each document of the page with its routing in the source (as read) and in the target (as written). */
  private List<CopiedDoc> copied(Page page, List<Doc> mapped) {
    List<CopiedDoc> out = new ArrayList<>(mapped.size());
    for (int i = 0; i < mapped.size(); i++) out.add(CopiedDoc.of(page.docs().get(i), mapped.get(i), target));
    return out;
  }

  private static CursorCheckpoint checkpointOf(DeleteRecheck.SafePoint safe) {
    return new CursorCheckpoint(safe.cursor().isStart() ? null : safe.cursor().value(), safe.progress());
  }

  /**
   * Writes the page's convertible documents; those that could not be converted count as rejected. If the write
   * fails, its ids may still have landed, so they are re-checked all the same.
   */
  private WriteResult write(List<DocConverter.Outcome> converted, List<CopiedDoc> written, DeleteRecheck recheck) {
    List<Doc> toWrite = new ArrayList<>(converted.size());
    List<WriteResult.Rejected> refused = new ArrayList<>();
    for (DocConverter.Outcome o : converted) {
      if (o instanceof DocConverter.Refused r) refused.add(new WriteResult.Rejected(r.doc().id(), r.reason()));
      else toWrite.add(o.doc());
    }
    metrics.docsRejected.mark(refused.size());
    try {
      return write(toWrite).plus(new WriteResult(List.of(), List.of(), refused));
    } catch (RuntimeException e) {
      recheck.maybeWritten(written);
      throw e;
    }
  }

  private WriteResult write(List<Doc> mapped) {
    if (mapped.isEmpty()) return WriteResult.empty();
    try (Timer.Context t = metrics.writeLatency.time()) {
      WriteResult r = target.createIfAbsent(mapped);
      metrics.docsCreated.mark(r.created().size());
      metrics.docsAlreadyPresent.mark(r.alreadyPresent().size());
      metrics.docsRejected.mark(r.rejected().size());
      if (r.total() != mapped.size()) {
        throw new StoreException("the target accounted for " + r.total() + " of " + mapped.size() + " documents sent");
      }
      return r;
    } catch (RuntimeException e) {
      metrics.writeFailures.mark();
      throw e;
    }
  }

  private void timed(Runnable checkpoint) {
    try (Timer.Context t = metrics.checkpointLatency.time()) {
      checkpoint.run();
    }
  }

  private Outcome fail(SliceClaim claim, String error, int attemptsAllowed) {
    try {
      SliceState now = claim.fail(error, attemptsAllowed);
      metrics.slicesFailed.inc();
      LOG.error("slice {} failed (attempt {} of {}): {}", claim.sliceId(), claim.work().attempts(), attemptsAllowed,
          error);
      return now == SliceState.FAILED ? Outcome.FAILED : Outcome.FAILED_WILL_RETRY;
    } catch (FencedException fenced) {
      return Outcome.FENCED;
    } catch (RuntimeException e) {
      // ZooKeeper is unreachable too: the claim ends with the session and the slice resumes from its checkpoint
      LOG.error("slice {} failed ({}) and the failure could not be recorded: {}", claim.sliceId(), error, e.getMessage());
      return Outcome.FAILED_WILL_RETRY;
    }
  }
}

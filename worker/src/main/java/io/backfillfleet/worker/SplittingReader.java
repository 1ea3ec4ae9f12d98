package io.backfillfleet.worker;

import io.backfillfleet.coordinator.CoordinationException;
import io.backfillfleet.coordinator.FencedException;
import io.backfillfleet.coordinator.SliceClaim;
import io.backfillfleet.coordinator.SplitOutcome;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.SourceStore;
import io.backfillfleet.store.WindowReader;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held slice's reader that can hand the unread rest of its slice to a successor while it runs, as Beam's
 * {@code trySplit} does for a running range (issue 18). The split is decided and written on the reading thread,
 * between two page reads: nothing is in flight then, so every document read so far was handed out, and the cut (past
 * the last timestamp handed out) leaves nothing read by both parts. Once the split is written, the reader is opened
 * again on the slice's narrowed windows at the same cursor, and ends at the cut.
 */
final class SplittingReader implements WindowReader {
  private static final Logger LOG = LoggerFactory.getLogger(SplittingReader.class);
  /**
   * Test only ({@code -Dbackfill.test.split-pause-ms=N}): waits this long between deciding a split and writing it, so a
   * fault test can kill the worker in between.
   */
  private static final long TEST_PAUSE_MS = Long.getLong("backfill.test.split-pause-ms", 0);
  /** Bounds the counts on the source one look makes, however many workers are idle. */
  private static final int MAX_SPLITS_PER_LOOK = 16;

  private final SourceStore source;
  private final SliceClaim claim;
  private final SplitPolicy policy; // null: this slice never splits
  private final WorkerMetrics metrics;
  private final long startedAt = System.nanoTime();
  private final long docsBefore;
  private WindowReader current;
  private Cursor position;
  private Instant lastTimestamp;
  private long handed;
  private long lastCheck = System.nanoTime();
  private boolean ended;

  SplittingReader(SourceStore source, SliceClaim claim, Cursor start, SplitPolicy policy, WorkerMetrics metrics) {
    this.source = source;
    this.claim = claim;
    this.policy = policy;
    this.metrics = metrics;
    this.position = start;
    this.docsBefore = claim.work().docsRead();
    this.current = PackedReader.open(source, claim.work(), start);
  }

  @Override
  public Page readPage(int pageSize) {
    if (policy != null && !ended) maybeSplit();
    Page p = current.readPage(pageSize);
    handed += p.docs().size();
    position = p.next();
    if (!p.docs().isEmpty()) lastTimestamp = p.lastTimestamp();
    ended = p.last();
    return p;
  }

  private void maybeSplit() {
    long now = System.nanoTime();
    if (now - lastCheck < policy.settings().checkEvery().toNanos()) return;
    lastCheck = now;
    // while workers are idle, cut a piece for each of them now, not one per look: the next look is seconds away
    boolean split = false;
    for (int i = 0; i < MAX_SPLITS_PER_LOOK && splitOnce(now); i++) split = true;
    if (split) {
      current.close();
      current = PackedReader.open(source, claim.work(), position);
    }
  }

  /** Decides on the slice as it stands and splits it if the policy says so; true if a successor was made. */
  private boolean splitOnce(long now) {
    SplitDecision d;
    SplitPosition at = SplitPosition.of(claim.work(), position, lastTimestamp);
    try {
      d = policy.decide(claim.work(), at, handed, Duration.ofNanos(now - startedAt), docsBefore + handed);
    } catch (RuntimeException e) { // a count that failed only delays a split; the copy goes on
      LOG.debug("slice {}: could not decide whether to split: {}", claim.sliceId(), e.getMessage());
      return false;
    }
    if (!(d instanceof SplitDecision.Cut cut)) {
      LOG.debug("slice {} not split: {}", claim.sliceId(), ((SplitDecision.NoSplit) d).why());
      return false;
    }
    LOG.info("slice {}: splitting at {} ({} documents left, about {} s at this rate)", claim.sliceId(),
        cut.point().describe(), cut.remaining(), Math.round(cut.expectedSeconds()));
    if (TEST_PAUSE_MS > 0) pauseForTest();
    SplitOutcome o;
    try {
      o = claim.split(cut.point(), cut.keptEstimate(), cut.successorEstimate());
    } catch (FencedException e) {
      throw e; // the slice is someone else's now: the copy stops
    } catch (CoordinationException e) {
      // Unknown whether it was applied: read on as before. If it was, this holder's next checkpoint finds its
      // version moved and stops (fenced); what it copied past the cut meanwhile is "already present" for the successor.
      LOG.warn("slice {}: the split at {} got no answer ({}); copying on", claim.sliceId(), cut.point().describe(),
          e.getMessage());
      return false;
    }
    if (!(o instanceof SplitOutcome.Split s)) {
      LOG.info("slice {} not split at {}: {}", claim.sliceId(), cut.point().describe(), o);
      return false;
    }
    metrics.slicesSplit.inc();
    policy.splitMade();
    LOG.info("slice {} split at {}: keeps about {} documents, successor {} takes about {}", claim.sliceId(),
        cut.point().describe(), cut.keptEstimate(), s.successorId(), cut.successorEstimate());
    return true;
  }

  private static void pauseForTest() {
    try {
      Thread.sleep(TEST_PAUSE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    current.close();
  }
}

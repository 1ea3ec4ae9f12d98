package io.backfillfleet.coordinator;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A slice this worker holds. Every write is conditional on the work-node version this holder wrote last
 * and on its claim node still existing; a lost condition means someone else owns the slice now and raises
 * {@link FencedException}. After complete, fail or release the claim is spent.
 */
public final class SliceClaim {
  private static final Logger LOG = LoggerFactory.getLogger(SliceClaim.class);
  private static final int TALLY_TRIES = 100;
  private final CoordinatorConnection conn;
  private final JobLayout layout;
  private final String bucket;
  private final String sliceId;
  private final Buckets buckets;
  private final long sessionEpochAtClaim;
  private final Clock clock;
  private WorkNode work;
  private int version;
  private boolean open = true;
  /** When the last request that confirmed this claim was sent (System.nanoTime), 0 before any. */
  private long confirmedAt;

  SliceClaim(CoordinatorConnection conn, JobLayout layout, Buckets buckets, String sliceId, WorkNode work, int version,
      Clock clock) {
    this.conn = conn;
    this.layout = layout;
    this.buckets = buckets;
    this.bucket = buckets.of(sliceId);
    this.sliceId = sliceId;
    this.work = work;
    this.version = version;
    this.clock = clock;
    this.sessionEpochAtClaim = conn.gate().sessionEpoch();
  }

  public String sliceId() {
    return sliceId;
  }

  /** The bucket of the slice's nodes ({@link Buckets}). */
  public String bucket() {
    return bucket;
  }

  public String job() {
    return layout.job();
  }

  /** The work node as this holder last wrote it (cursor and counts to resume from). */
  public synchronized WorkNode work() {
    return work;
  }

  public long epoch() {
    return work.epoch();
  }

  /** Saves the cursor and counts. Waits while the connection is SUSPENDED; raises {@link FencedException} if fenced. */
  public synchronized void checkpoint(CursorCheckpoint checkpoint) {
    write("checkpointing", work.checkpointed(checkpoint, clock.instant()), false);
  }

  /**
   * Splits the unread remainder of this slice off at {@code cut} (issue 18): in one conditional {@code multi}, this
   * work node keeps its windows before the cut (re-estimated as {@code keptEstimate}), a new PENDING successor gets
   * the rest ({@code successorEstimate}), and both buckets' tallies follow. Conditional on this holder's version and
   * claim like a checkpoint, so a split and a checkpoint, a release or a fencing never both win. The caller must
   * make sure it has read nothing at or past the cut, and stop there once this returns {@link SplitOutcome.Split}.
   * The successor's id is derived from this slice's id and the cut, so a retried split never creates two.
   */
  public synchronized SplitOutcome split(SplitPoint cut, long keptEstimate, long successorEstimate) {
    requireOpen();
    awaitSession("splitting");
    WorkNode kept = work.keptBefore(sliceId, cut, keptEstimate, clock.instant());
    String successorId = SplitIds.successor(sliceId, work.lineage(), cut);
    WorkNode successor = work.successorFrom(sliceId, cut, successorEstimate);
    String successorBucket = buckets.of(successorId);
    byte[] keptData = NodeCodec.encode(kept);
    byte[] successorData = NodeCodec.encode(successor);
    JobRepository jobs = new JobRepository(conn);
    CuratorFramework zk = conn.curator();
    for (int attempt = 0; attempt < TALLY_TRIES; attempt++) {
      long sentAt = System.nanoTime();
      jobs.ensureOpenFolder(layout, successorBucket);
      List<CuratorOp> ops = new ArrayList<>(conn.call("preparing", () -> List.of(
          zk.transactionOp().check().forPath(layout.claimPath(bucket, sliceId)),
          zk.transactionOp().setData().withVersion(version).forPath(layout.slicePath(bucket, sliceId), keptData),
          zk.transactionOp().create().forPath(layout.slicePath(successorBucket, successorId), successorData),
          zk.transactionOp().create().forPath(layout.openPath(successorBucket, successorId)))));
      long keptDelta = keptEstimate - work.estimatedDocs();
      Versioned<BucketTally> there = jobs.readTally(layout, successorBucket);
      BucketTally thereNext = there.value().plusSlices(1, successorEstimate);
      if (successorBucket.equals(bucket)) thereNext = thereNext.estimateChanged(keptDelta);
      BucketTally thereNextFinal = thereNext;
      ops.add(conn.call("preparing", () -> zk.transactionOp().setData().withVersion(there.version())
          .forPath(layout.tallyPath(successorBucket), NodeCodec.encode(thereNextFinal))));
      if (!successorBucket.equals(bucket) && keptDelta != 0) {
        Versioned<BucketTally> here = jobs.readTally(layout, bucket);
        ops.add(conn.call("preparing", () -> zk.transactionOp().setData().withVersion(here.version())
            .forPath(layout.tallyPath(bucket), NodeCodec.encode(here.value().estimateChanged(keptDelta)))));
      }
      try {
        Stat stat = conn.call("splitting slice " + sliceId, () -> zk.transaction().forOperations(ops)).get(1)
            .getResultStat();
        version = stat.getVersion();
        work = kept;
        confirmedAt = sentAt;
        signalSplit(successorId);
        return new SplitOutcome.Split(successorId, kept, successor);
      } catch (CoordinationException e) {
        MultiFailure f = MultiFailure.of(e);
        if (f == null) throw e;
        if (f.index() >= 4 && f.code() == KeeperException.Code.BADVERSION
            || f.index() == 3 && f.code() == KeeperException.Code.NONODE) {
          ConflictBackoff.pause(Math.min(attempt, 3)); // a tally moved, or the open folder was just removed: again
          continue;
        }
        if (f.index() == 1 || f.index() == 2 && f.code() == KeeperException.Code.NODEEXISTS) {
          // Curator sends a multi again after a connection loss: if the first one was applied, the node holds it
          Stat landed = landedBefore(keptData, false);
          if (landed != null) {
            version = landed.getVersion();
            work = kept;
            signalSplit(successorId);
            return new SplitOutcome.Split(successorId, kept, successor);
          }
          if (f.index() == 2) return SplitOutcome.NotSplit.SUCCESSOR_ID_TAKEN;
        }
        if (f.index() <= 1) {
          open = false;
          dropOwnClaimNode();
          throw new FencedException(sliceId, "its work node or claim changed before it could be split (version "
              + version + ")");
        }
        throw e;
      }
    }
    return SplitOutcome.NotSplit.CONTENDED;
  }

  /**
   * Wakes idle workers (they follow {@link JobLayout#splitSignalPath()}). Best effort: a worker that misses it finds
   * the successor on its next look for work anyway.
   */
  private void signalSplit(String successorId) {
    byte[] data = successorId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try {
      conn.call("signalling the split of " + sliceId,
          () -> conn.curator().create().orSetData().forPath(layout.splitSignalPath(), data));
    } catch (CoordinationException e) {
      LOG.debug("could not signal the split of {}: {}", sliceId, e.getMessage());
    }
  }

  /** Marks the slice DONE with its final counts and gives up the claim. */
  public synchronized void complete(CursorCheckpoint last) {
    WorkNode done = work.checkpointed(last, clock.instant())
        .inState(SliceState.DONE, work.attempts(), null, clock.instant());
    write("completing", done, true);
  }

  /**
   * Records a failure and gives up the claim: back to PENDING (cursor kept) while attempts remain, FAILED after
   * {@code maxAttempts}. Returns the state the slice is now in.
   */
  public synchronized SliceState fail(String error, int maxAttempts) {
    int attempts = work.attempts() + 1;
    SliceState next = attempts >= maxAttempts ? SliceState.FAILED : SliceState.PENDING;
    String msg = error == null ? "unknown error" : error.length() > 2000 ? error.substring(0, 2000) + "..." : error;
    write("recording a failure of", work.inState(next, attempts, msg, clock.instant()), true);
    return next;
  }

  /** Gives the slice back unchanged (a graceful shutdown): the next holder resumes from the last checkpoint. */
  public synchronized void release() {
    requireOpen();
    CuratorFramework zk = conn.curator();
    try {
      conn.call("releasing slice " + sliceId, () -> zk.transaction().forOperations(List.of(
          zk.transactionOp().check().withVersion(version).forPath(layout.slicePath(bucket, sliceId)),
          zk.transactionOp().delete().forPath(layout.claimPath(bucket, sliceId)))));
      open = false;
    } catch (CoordinationException e) {
      if (fencedCause(e)) {
        open = false;
        dropOwnClaimNode();
        throw new FencedException(sliceId, "its work node or claim changed before release");
      }
      throw e; // still held: ZooKeeper did not answer; the caller may try again
    }
  }

  /**
   * Makes sure this session still holds the claim before a page is written: a worker frozen past its session (a long
   * GC pause, SIGSTOP) must not write a page into the target after another worker took the slice over. ZooKeeper itself
   * is asked (not the local view), unless it confirmed the claim (a check or a checkpoint) less than a third of the
   * session timeout ago: a session cannot expire, and so no one else can claim the slice, sooner than a whole session
   * timeout after the request that confirmed it was sent. That keeps the fencing and drops a read per page (about
   * 1,000 reads per million documents with pages of 1,000). A release by on-call is seen at the next check or
   * checkpoint.
   */
  public synchronized void verifyHeld() {
    requireOpen();
    long now = System.nanoTime();
    if (confirmedAt != 0 && now - confirmedAt < conn.settings().sessionTimeout().toNanos() / 3
        && conn.gate().sessionEpoch() == sessionEpochAtClaim) {
      return;
    }
    awaitSession("verifying the claim of");
    if (!ownedByThisSession(claimNode())) {
      open = false;
      throw new FencedException(sliceId, "its claim now belongs to another session");
    }
    confirmedAt = now;
  }

  public synchronized boolean isOpen() {
    return open;
  }

  private void write(String what, WorkNode next, boolean end) {
    requireOpen();
    awaitSession(what);
    byte[] data = NodeCodec.encode(next);
    boolean finishes = end && next.state() != SliceState.PENDING; // DONE or FAILED: leaves the open slices
    for (int attempt = 0; ; attempt++) {
      long sentAt = System.nanoTime();
      List<CuratorOp> ops = new ArrayList<>();
      CuratorFramework zk = conn.curator();
      ops.addAll(conn.call("preparing", () -> end
          ? List.of(
              zk.transactionOp().setData().withVersion(version).forPath(layout.slicePath(bucket, sliceId), data),
              zk.transactionOp().delete().forPath(layout.claimPath(bucket, sliceId)))
          : List.of(
              zk.transactionOp().check().forPath(layout.claimPath(bucket, sliceId)),
              zk.transactionOp().setData().withVersion(version).forPath(layout.slicePath(bucket, sliceId), data))));
      if (finishes) {
        // the bucket's accounting moves in the same multi as the state it counts (see BucketTally)
        Versioned<BucketTally> tally = new JobRepository(conn).readTally(layout, bucket);
        ops.addAll(conn.call("preparing", () -> List.of(
            zk.transactionOp().delete().forPath(layout.openPath(bucket, sliceId)),
            zk.transactionOp().setData().withVersion(tally.version()).forPath(layout.tallyPath(bucket),
                NodeCodec.encode(tally.value().finished(next.state(), next, 1))))));
      }
      try {
        Stat stat = conn.call(what + " slice " + sliceId, () -> zk.transaction().forOperations(ops)).stream()
            .filter(r -> r.getResultStat() != null).findFirst().orElseThrow().getResultStat();
        version = stat.getVersion();
        work = next;
        if (end) open = false;
        else confirmedAt = sentAt; // the multi checked that this session's claim node is there
        if (finishes) dropEmptyOpenFolder();
        return;
      } catch (CoordinationException e) {
        MultiFailure f = MultiFailure.of(e);
        if (finishes && f != null && f.is(3, KeeperException.Code.BADVERSION) && attempt < TALLY_TRIES) {
          ConflictBackoff.pause(Math.min(attempt, 3)); // another holder in this bucket finished first: count again
          continue;
        }
        if (fencedCause(e)) {
          Stat landed = landedBefore(data, end);
          if (landed != null) { // the first try was applied, only its answer was lost: not fenced
            version = landed.getVersion();
            work = next;
            if (end) open = false;
            return;
          }
          open = false;
          dropOwnClaimNode();
          throw new FencedException(sliceId, "its work node or claim changed since this worker wrote it (version "
              + version + ")");
        }
        throw e;
      }
    }
  }

  /**
   * Removes {@code open/<b>} once its last slice finished, so the listing of {@code open} is the buckets with work.
   * ZooKeeper refuses to delete a folder with children, so a slice opened meanwhile is never lost; whoever opens one
   * creates the folder again.
   */
  private void dropEmptyOpenFolder() {
    try {
      conn.call("removing the empty " + layout.openPath(bucket), () -> {
        try {
          return conn.curator().delete().forPath(layout.openPath(bucket));
        } catch (KeeperException.NotEmptyException | KeeperException.NoNodeException stillOpenOrGone) {
          return null;
        }
      });
    } catch (CoordinationException e) {
      LOG.debug("left {} in place: {}", layout.openPath(bucket), e.getMessage()); // harmless: an empty listing
    }
  }

  /**
   * After a connection loss the client retries a transaction that may already have been applied; the retry then
   * fails on the version it moved itself. If the work node holds exactly what this holder wrote (and, for a
   * checkpoint, its claim is still this session's), that write landed. Returns its stat, or null if fenced.
   */
  private Stat landedBefore(byte[] data, boolean end) {
    CuratorFramework zk = conn.curator();
    Stat stat = new Stat();
    byte[] now = conn.call("re-reading slice " + sliceId, () -> {
      try {
        return zk.getData().storingStatIn(stat).forPath(layout.slicePath(bucket, sliceId));
      } catch (KeeperException.NoNodeException gone) {
        return null;
      }
    });
    if (now == null || !Arrays.equals(now, data)) return null;
    Stat claim = claimNode();
    return end ? (claim == null ? stat : null) : (ownedByThisSession(claim) ? stat : null);
  }

  /**
   * A fenced holder whose claim node is still there (its work node was changed by someone who left the claim node, or
   * only this holder's write failed) deletes it: a claim node of a live session that no longer copies would hold the
   * slice forever (STUCK). Only this claim's own node: this session's, of this claim's epoch (the same worker may have
   * claimed the slice again since). Best effort: the fencing stands either way.
   */
  private void dropOwnClaimNode() {
    CuratorFramework zk = conn.curator();
    String path = layout.claimPath(bucket, sliceId);
    try {
      Stat stat = new Stat();
      byte[] data = conn.call("reading the claim of slice " + sliceId, () -> {
        try {
          return zk.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException gone) {
          return null;
        }
      });
      if (data == null || !ownedByThisSession(stat)) return;
      if (NodeCodec.decode(path, data, ClaimInfo.class).epoch() != work.epoch()) return;
      conn.call("deleting the claim of slice " + sliceId, () -> {
        try {
          return zk.delete().withVersion(stat.getVersion()).forPath(path);
        } catch (KeeperException.NoNodeException | KeeperException.BadVersionException gone) {
          return null; // ended meanwhile
        }
      });
    } catch (CoordinationException e) {
      LOG.warn("fenced from slice {}, and its claim node could not be deleted ({}); 'backfill release --slice {}'"
          + " frees it", sliceId, e.getMessage(), sliceId);
    }
  }

  /** The claim node as ZooKeeper has it now (not the local view), or null. */
  private Stat claimNode() {
    return conn.call("reading the claim of slice " + sliceId,
        () -> conn.curator().checkExists().forPath(layout.claimPath(bucket, sliceId)));
  }

  private boolean ownedByThisSession(Stat claimNode) {
    long session = conn.call("reading the session id",
        () -> conn.curator().getZookeeperClient().getZooKeeper().getSessionId());
    return claimNode != null && claimNode.getEphemeralOwner() == session;
  }

  private void awaitSession(String what) {
    try {
      if (!conn.gate().awaitConnected(conn.settings().sessionTimeout())) {
        throw new CoordinatorUnavailableException(conn.settings().connectString(), what + " slice " + sliceId,
            new KeeperException.ConnectionLossException());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CoordinationException("interrupted while " + what + " slice " + sliceId, e);
    }
    if (conn.gate().sessionEpoch() != sessionEpochAtClaim) {
      open = false;
      throw new FencedException(sliceId, "the ZooKeeper session that claimed it was lost");
    }
  }

  private void requireOpen() {
    if (!open) throw new FencedException(sliceId, "this claim was already given up");
  }

  private static boolean fencedCause(Throwable e) {
    Throwable c = e.getCause();
    return c instanceof KeeperException.BadVersionException || c instanceof KeeperException.NoNodeException;
  }
}

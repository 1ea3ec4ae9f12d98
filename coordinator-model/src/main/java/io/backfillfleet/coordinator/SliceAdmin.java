package io.backfillfleet.coordinator;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * On-call actions on slices. Each is one conditional write (or {@code multi}), so it never races a worker
 * silently: a worker that held the slice finds its next checkpoint refused (fenced) and stops. Only release and
 * reset fence a holder: retry applies to FAILED slices (which nobody holds), a verification only to the DONE version
 * it verified.
 */
public final class SliceAdmin {
  private final CoordinatorConnection conn;
  private final Clock clock;

  public SliceAdmin(CoordinatorConnection conn) {
    this(conn, Clock.systemUTC());
  }

  public SliceAdmin(CoordinatorConnection conn, Clock clock) {
    this.conn = conn;
    this.clock = clock;
  }

  /** Frees a (stuck) claim: the epoch moves on so the old holder is fenced; cursor and counts are kept. */
  public WorkNode release(String job, String sliceId) {
    return change(job, sliceId, "releasing", w -> w.releasedByOperator(clock.instant()), true);
  }

  /** A FAILED slice goes back to PENDING with its attempts cleared; the cursor is kept. */
  public WorkNode retry(String job, String sliceId) {
    return change(job, sliceId, "retrying", w -> {
      if (w.state() != SliceState.FAILED) {
        throw new CoordinationException("slice " + sliceId + " of job " + job + " is " + w.state() + ", not FAILED;"
            + " nothing to retry");
      }
      return w.inState(SliceState.PENDING, 0, w.lastError(), clock.instant());
    }, false);
  }

  /** Starts a slice again from scratch (cursor and counts cleared), fencing any holder. */
  public WorkNode reset(String job, String sliceId) {
    return change(job, sliceId, "resetting", w -> w.restarted(w.epoch() + 1, clock.instant()), true);
  }

  /** Retries every FAILED slice; returns their ids. */
  public List<String> retryFailed(String job) {
    List<String> out = new ArrayList<>();
    for (String id : failedSlices(job)) {
      retry(job, id);
      out.add(id);
    }
    return out;
  }

  /** Every FAILED slice: only the buckets whose tally counts failures are read. */
  public List<String> failedSlices(String job) {
    JobLayout layout = conn.layout(job);
    Buckets buckets = buckets(job);
    List<String> withFailures = new ArrayList<>();
    JobSummaryReader.tallies(conn, new BulkReader(conn), layout, buckets).forEach((bucket, read) -> {
      if (read.tally().failed() > 0) withFailures.add(bucket);
    });
    List<String> out = new ArrayList<>();
    new SliceScan(conn).buckets(layout, withFailures, new java.util.TreeMap<>()).forEach((id, v) -> {
      if (v.value().state() == SliceState.FAILED) out.add(id);
    });
    return out;
  }

  /** Whether a verification was stored. */
  public enum VerificationRecord {
    RECORDED,
    /** The work node is no longer the DONE version that was verified (reset, re-claimed, verified again): kept as is. */
    SLICE_CHANGED
  }

  /**
   * Stores a verification in the work node, only if the node is still the version that was verified and DONE. A
   * verification of an earlier version must not describe a slice that changed since, nor move the version a new
   * holder checkpoints against: that would fence the holder and leave its claim STUCK.
   */
  public VerificationRecord recordVerification(String job, String sliceId, int verifiedVersion,
      SliceVerification result) {
    JobLayout.requireValidName("slice id", sliceId);
    String path = conn.layout(job).slicePath(buckets(job).of(sliceId), sliceId);
    CuratorFramework zk = conn.curator();
    Stat stat = new Stat();
    byte[] data = readOrNull(path, stat);
    if (data == null || stat.getVersion() != verifiedVersion) return VerificationRecord.SLICE_CHANGED;
    WorkNode current = NodeCodec.decode(path, data, WorkNode.class);
    if (current.state() != SliceState.DONE) return VerificationRecord.SLICE_CHANGED;
    byte[] next = NodeCodec.encode(current.verified(result));
    try {
      conn.call("recording verification of slice " + sliceId,
          () -> zk.setData().withVersion(verifiedVersion).forPath(path, next));
      return VerificationRecord.RECORDED;
    } catch (CoordinationException e) {
      if (!(e.getCause() instanceof KeeperException.BadVersionException
          || e.getCause() instanceof KeeperException.NoNodeException)) {
        throw e;
      }
      // Curator sends a write again after a connection loss: if the first one was applied, the node holds it
      return Arrays.equals(readOrNull(path, new Stat()), next) ? VerificationRecord.RECORDED
          : VerificationRecord.SLICE_CHANGED;
    }
  }

  private byte[] readOrNull(String path, Stat stat) {
    return conn.call("reading " + path, () -> {
      try {
        return conn.curator().getData().storingStatIn(stat).forPath(path);
      } catch (KeeperException.NoNodeException e) {
        return null;
      }
    });
  }

  private Buckets buckets(String job) {
    return new JobRepository(conn).readSpec(job).orElseThrow(() -> JobRepository.noSuchJob(conn, job)).requireCurrentLayout();
  }

  /**
   * Tells the job's idle workers (they follow {@link JobLayout#splitSignalPath()}) that a slice can be claimed: they
   * take it at once instead of after their idle back-off (up to 10 s), and a "no slice open" left there by the job's
   * last end no longer stands, so the next end is signalled again ({@link SliceBoard#signalNoSliceOpen}). Best
   * effort: a worker that misses it finds the slice on its next look.
   */
  private void signalReopened(JobLayout layout, String sliceId) {
    byte[] data = ("reopened " + sliceId).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try {
      conn.call("signalling that slice " + sliceId + " is open",
          () -> conn.curator().create().orSetData().forPath(layout.splitSignalPath(), data));
    } catch (CoordinationException e) {
      // best effort, as above
    }
  }

  /**
   * One conditional multi: the work node, its claim (dropped when asked), and when the slice leaves or re-enters the
   * open slices, its open marker and its bucket's tally with it, so the accounting always matches the states.
   */
  private WorkNode change(String job, String sliceId, String action, java.util.function.UnaryOperator<WorkNode> f,
      boolean dropClaim) {
    JobLayout layout = conn.layout(job);
    JobLayout.requireValidName("slice id", sliceId);
    String bucket = buckets(job).of(sliceId);
    JobRepository jobs = new JobRepository(conn);
    CuratorFramework zk = conn.curator();
    for (int i = 0; i < ConflictBackoff.ATTEMPTS; i++) {
      Stat stat = new Stat();
      byte[] data = conn.call(action + " slice " + sliceId, () -> {
        try {
          return zk.getData().storingStatIn(stat).forPath(layout.slicePath(bucket, sliceId));
        } catch (KeeperException.NoNodeException e) {
          throw new NoSuchJobException("job '" + job + "' has no slice '" + sliceId + "'; 'backfill status --job " + job
              + " --state PENDING' (or DONE, FAILED) lists its slices");
        }
      });
      WorkNode current = NodeCodec.decode(layout.slicePath(bucket, sliceId), data, WorkNode.class);
      WorkNode next = f.apply(current);
      boolean wasOpen = current.state() == SliceState.PENDING;
      boolean isOpen = next.state() == SliceState.PENDING;
      List<CuratorOp> ops = new ArrayList<>();
      ops.add(conn.call("preparing", () -> zk.transactionOp().setData().withVersion(stat.getVersion())
          .forPath(layout.slicePath(bucket, sliceId), NodeCodec.encode(next))));
      if (wasOpen != isOpen) {
        if (isOpen) jobs.ensureOpenFolder(layout, bucket);
        Versioned<BucketTally> tally = jobs.readTally(layout, bucket);
        BucketTally moved = isOpen ? tally.value().finished(current.state(), current, -1)
            : tally.value().finished(next.state(), next, 1);
        ops.add(conn.call("preparing", () -> zk.transactionOp().setData().withVersion(tally.version())
            .forPath(layout.tallyPath(bucket), NodeCodec.encode(moved))));
        ops.add(conn.call("preparing", () -> isOpen
            ? zk.transactionOp().create().forPath(layout.openPath(bucket, sliceId))
            : zk.transactionOp().delete().forPath(layout.openPath(bucket, sliceId))));
      }
      boolean claimed = dropClaim && conn.call("checking the claim", () -> zk.checkExists()
          .forPath(layout.claimPath(bucket, sliceId))) != null;
      if (claimed) {
        ops.add(conn.call("preparing", () -> zk.transactionOp().delete().forPath(layout.claimPath(bucket, sliceId))));
      }
      try {
        conn.call(action + " slice " + sliceId, () -> zk.transaction().forOperations(ops));
        if (isOpen) signalReopened(layout, sliceId);
        return next;
      } catch (CoordinationException e) {
        if (!(e.getCause() instanceof KeeperException.BadVersionException
            || e.getCause() instanceof KeeperException.NoNodeException)) {
          throw e;
        }
        // a worker wrote in between (or the claim ended, or the tally moved): read again and retry
      }
      ConflictBackoff.pause(i);
    }
    throw new CoordinationException("slice " + sliceId + " kept changing while " + action + " it; try again");
  }
}

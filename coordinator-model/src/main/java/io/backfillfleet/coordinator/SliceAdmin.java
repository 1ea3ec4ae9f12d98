package io.backfillfleet.coordinator;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * On-call actions on slices. Each is one conditional write (or {@code multi}), so it never races a worker
 * silently: a worker that held the slice finds its next checkpoint refused (fenced) and stops.
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
    new JobStatusReader(conn).read(job).slices().forEach((id, w) -> {
      if (w.state() == SliceState.FAILED) {
        retry(job, id);
        out.add(id);
      }
    });
    return out;
  }

  /** Stores a verification result in the work node (without touching anything a holder writes). */
  public WorkNode recordVerification(String job, String sliceId, SliceVerification result) {
    return change(job, sliceId, "recording verification of", w -> w.verified(result), false);
  }

  private WorkNode change(String job, String sliceId, String action, java.util.function.UnaryOperator<WorkNode> f,
      boolean dropClaim) {
    JobLayout layout = conn.layout(job);
    JobLayout.requireValidName("slice id", sliceId);
    CuratorFramework zk = conn.curator();
    for (int i = 0; i < ConflictBackoff.ATTEMPTS; i++) {
      Stat stat = new Stat();
      byte[] data = conn.call(action + " slice " + sliceId, () -> {
        try {
          return zk.getData().storingStatIn(stat).forPath(layout.slicePath(sliceId));
        } catch (KeeperException.NoNodeException e) {
          if (!new JobRepository(conn).exists(job)) throw JobRepository.noSuchJob(job);
          throw new NoSuchJobException("job '" + job + "' has no slice '" + sliceId + "'; 'backfill status --job " + job
              + "' lists its slices");
        }
      });
      WorkNode current = NodeCodec.decode(layout.slicePath(sliceId), data, WorkNode.class);
      WorkNode next = f.apply(current);
      List<CuratorOp> ops = new ArrayList<>();
      ops.add(conn.call("preparing", () -> zk.transactionOp().setData().withVersion(stat.getVersion())
          .forPath(layout.slicePath(sliceId), NodeCodec.encode(next))));
      boolean claimed = dropClaim && conn.call("checking the claim", () -> zk.checkExists()
          .forPath(layout.claimPath(sliceId))) != null;
      if (claimed) ops.add(conn.call("preparing", () -> zk.transactionOp().delete().forPath(layout.claimPath(sliceId))));
      try {
        conn.call(action + " slice " + sliceId, () -> zk.transaction().forOperations(ops));
        return next;
      } catch (CoordinationException e) {
        if (!(e.getCause() instanceof KeeperException.BadVersionException
            || e.getCause() instanceof KeeperException.NoNodeException)) {
          throw e;
        }
        // a worker wrote in between (or the claim ended): read again and retry
      }
      ConflictBackoff.pause(i);
    }
    throw new CoordinationException("slice " + sliceId + " kept changing while " + action + " it; try again");
  }
}

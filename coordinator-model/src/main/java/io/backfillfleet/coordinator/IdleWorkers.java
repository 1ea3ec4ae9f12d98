package io.backfillfleet.coordinator;

import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demand for splitting (issue 18): a worker that has a free slot and finds no free slice says so with an ephemeral
 * node {@code idle/<workerId>}, and holders of long slices read how many there are (the folder's child count, at most
 * every few seconds) to decide whether to split. Ephemeral, so a worker that dies stops asking. Best effort: a
 * ZooKeeper error here only delays a split, it never stops a copy.
 */
public final class IdleWorkers {
  private static final Logger LOG = LoggerFactory.getLogger(IdleWorkers.class);
  private static final Duration COUNT_TTL = Duration.ofSeconds(3);

  private final CoordinatorConnection conn;
  private final JobLayout layout;
  private final String workerId;
  private boolean marked;
  private long markedInSession = -1;
  private volatile int count;
  private volatile long countedAt;

  public IdleWorkers(CoordinatorConnection conn, String job, String workerId) {
    this.conn = conn;
    this.layout = conn.layout(job);
    this.workerId = JobLayout.requireValidName("worker id", workerId);
  }

  /** This worker has a free slot and nothing to claim. */
  public synchronized void markIdle() {
    long session = conn.gate().sessionEpoch();
    if (marked && markedInSession == session) return;
    try {
      CuratorFramework zk = conn.curator();
      conn.call("marking worker " + workerId + " idle", () -> {
        try {
          return zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
              .forPath(layout.idlePath(workerId));
        } catch (KeeperException.NodeExistsException already) {
          return null;
        }
      });
      marked = true;
      markedInSession = session;
    } catch (CoordinationException e) {
      LOG.debug("could not mark worker {} idle: {}", workerId, e.getMessage());
    }
  }

  /** This worker claimed a slice (or stops): it no longer asks for a split. */
  public synchronized void markBusy() {
    if (!marked) return;
    try {
      conn.call("marking worker " + workerId + " busy", () -> {
        try {
          return conn.curator().delete().forPath(layout.idlePath(workerId));
        } catch (KeeperException.NoNodeException gone) {
          return null;
        }
      });
      marked = false;
    } catch (CoordinationException e) {
      LOG.debug("could not mark worker {} busy: {}", workerId, e.getMessage());
    }
  }

  /** How many workers of the job are idle now (this one included), read at most every few seconds; 0 if unreadable. */
  public int count() {
    long now = System.nanoTime();
    if (now - countedAt > COUNT_TTL.toNanos()) {
      countedAt = now;
      try {
        Stat st = conn.call("counting idle workers", () -> conn.curator().checkExists().forPath(layout.idlePath()));
        count = st == null ? 0 : st.getNumChildren();
      } catch (CoordinationException e) {
        count = 0; // no demand known: no split, the copy goes on
      }
    }
    return count;
  }

  /**
   * A split was made for one of the idle workers counted: until the next read, count one fewer, so the holders of
   * this process do not split again for a worker that is about to claim the last successor.
   */
  public synchronized void taken() {
    count = Math.max(0, count - 1);
  }
}

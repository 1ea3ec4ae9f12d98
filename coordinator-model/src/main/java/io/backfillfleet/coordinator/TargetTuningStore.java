package io.backfillfleet.coordinator;

import java.util.Optional;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Reads and writes a job's {@link TargetTuningNode}. The node is created once (so exactly one process records the
 * originals) and then only changed conditionally on the version read, so a restore and a late apply cannot both win.
 */
public final class TargetTuningStore {
  private final CoordinatorConnection conn;

  public TargetTuningStore(CoordinatorConnection conn) {
    this.conn = conn;
  }

  /** What {@link #record} did. */
  public sealed interface RecordOutcome {
    /** This process recorded the originals; the node is at {@code version}. */
    record Recorded(int version) implements RecordOutcome {}

    /** Someone recorded them before: the node as it is. */
    record AlreadyThere(Versioned<TargetTuningNode> existing) implements RecordOutcome {}
  }

  /** The job's tuning node, or empty when the target was never tuned for it. */
  public Optional<Versioned<TargetTuningNode>> read(String job) {
    JobLayout layout = conn.layout(job);
    return conn.call("reading the target tuning of job " + job, () -> {
      Stat stat = new Stat();
      try {
        byte[] data = conn.curator().getData().storingStatIn(stat).forPath(layout.tuningPath());
        return Optional.of(new Versioned<>(NodeCodec.decode(layout.tuningPath(), data, TargetTuningNode.class),
            stat.getVersion()));
      } catch (KeeperException.NoNodeException e) {
        if (conn.curator().checkExists().forPath(layout.jobPath()) == null) throw JobRepository.noSuchJob(conn, job);
        return Optional.empty();
      }
    });
  }

  /** Creates the node if it does not exist (the job must). */
  public RecordOutcome record(String job, TargetTuningNode node) {
    JobLayout layout = conn.layout(job);
    for (int i = 0; i < ConflictBackoff.ATTEMPTS; i++) {
      try {
        Stat stat = new Stat();
        conn.call("recording the target's settings for job " + job, () -> conn.curator().create().storingStatIn(stat)
            .forPath(layout.tuningPath(), NodeCodec.encode(node)));
        return new RecordOutcome.Recorded(stat.getVersion());
      } catch (CoordinationException e) {
        if (e.getCause() instanceof KeeperException.NoNodeException) throw JobRepository.noSuchJob(conn, job);
        if (!(e.getCause() instanceof KeeperException.NodeExistsException)) throw e;
      }
      Optional<Versioned<TargetTuningNode>> existing = read(job);
      if (existing.isPresent()) return new RecordOutcome.AlreadyThere(existing.get());
      ConflictBackoff.pause(i); // deleted in between (delete-job): try again, which will say there is no job
    }
    throw new CoordinationException("could not record the target tuning of job " + job + ": it kept changing");
  }

  /** Writes {@code next} if the node is still at {@code version}; false when someone changed it since. */
  public boolean replace(String job, int version, TargetTuningNode next) {
    JobLayout layout = conn.layout(job);
    try {
      conn.call("changing the target tuning of job " + job, () -> conn.curator().setData().withVersion(version)
          .forPath(layout.tuningPath(), NodeCodec.encode(next)));
      return true;
    } catch (CoordinationException e) {
      if (e.getCause() instanceof KeeperException.BadVersionException) return false;
      if (e.getCause() instanceof KeeperException.NoNodeException) return false;
      throw e;
    }
  }
}

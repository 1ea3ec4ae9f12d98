package io.backfillfleet.coordinator;

import java.util.function.UnaryOperator;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/** Reads and changes a job's control node (pause, throttle). Changes are compare-and-set, so none is lost. */
public final class JobControlStore {
  private final CoordinatorConnection conn;

  public JobControlStore(CoordinatorConnection conn) {
    this.conn = conn;
  }

  public JobControl read(String job) {
    return readVersioned(job).value();
  }

  /** Applies {@code change} to the current control and writes it, retrying when someone else wrote in between. */
  public JobControl update(String job, UnaryOperator<JobControl> change) {
    JobLayout layout = conn.layout(job);
    for (int i = 0; i < ConflictBackoff.ATTEMPTS; i++) {
      Versioned<JobControl> cur = readVersioned(job);
      JobControl next = change.apply(cur.value());
      try {
        conn.call("changing control of job " + job, () -> conn.curator().setData().withVersion(cur.version())
            .forPath(layout.controlPath(), NodeCodec.encode(next)));
        return next;
      } catch (CoordinationException e) {
        if (!(e.getCause() instanceof KeeperException.BadVersionException)) throw e;
      }
      ConflictBackoff.pause(i);
    }
    throw new CoordinationException("could not change control of job " + job + ": it kept changing concurrently; try again");
  }

  Versioned<JobControl> readVersioned(String job) {
    JobLayout layout = conn.layout(job);
    return conn.call("reading control of job " + job, () -> {
      Stat stat = new Stat();
      try {
        byte[] data = conn.curator().getData().storingStatIn(stat).forPath(layout.controlPath());
        return new Versioned<>(NodeCodec.decode(layout.controlPath(), data, JobControl.class), stat.getVersion());
      } catch (KeeperException.NoNodeException e) {
        throw JobRepository.noSuchJob(conn, job);
      }
    });
  }
}

package io.backfillfleet.coordinator;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/** Reads a {@link JobStatus}: one listing per folder, one read per node. For status and operators, not for workers. */
public final class JobStatusReader {
  private final CoordinatorConnection conn;

  public JobStatusReader(CoordinatorConnection conn) {
    this.conn = conn;
  }

  public JobStatus read(String job) {
    JobLayout layout = conn.layout(job);
    JobSpec spec = new JobRepository(conn).readSpec(job).orElseThrow(() -> JobRepository.noSuchJob(job));
    JobControl control = new JobControlStore(conn).read(job);
    Map<String, WorkNode> slices = new TreeMap<>();
    Map<String, String> corrupt = new TreeMap<>();
    Map<String, Integer> versions = new TreeMap<>();
    for (String id : children(layout.slicesPath())) {
      String path = layout.slicePath(id);
      Stat stat = new Stat();
      byte[] data = readOrNull(path, stat);
      if (data == null) continue;
      try {
        slices.put(id, NodeCodec.decode(path, data, WorkNode.class));
        versions.put(id, stat.getVersion());
      } catch (CorruptNodeException e) {
        corrupt.put(id, e.getMessage());
      }
    }
    Map<String, Versioned<ClaimInfo>> claims = new TreeMap<>();
    for (String id : children(layout.claimsPath())) {
      Stat stat = new Stat();
      byte[] data = readOrNull(layout.claimPath(id), stat);
      if (data == null) continue;
      try {
        claims.put(id, new Versioned<>(NodeCodec.decode(layout.claimPath(id), data, ClaimInfo.class), stat.getVersion()));
      } catch (CorruptNodeException e) {
        corrupt.put("claim:" + id, e.getMessage());
      }
    }
    Map<String, WorkerInfo> workers = new TreeMap<>();
    for (String id : children(layout.workersPath())) {
      byte[] data = readOrNull(layout.workerPath(id), null);
      if (data == null) continue;
      try {
        workers.put(id, NodeCodec.decode(layout.workerPath(id), data, WorkerInfo.class));
      } catch (CorruptNodeException e) {
        corrupt.put("worker:" + id, e.getMessage());
      }
    }
    return new JobStatus(spec, control, slices, claims, workers, corrupt, versions);
  }

  private List<String> children(String path) {
    return conn.call("listing " + path, () -> {
      try {
        return conn.curator().getChildren().forPath(path);
      } catch (KeeperException.NoNodeException e) {
        return List.of();
      }
    });
  }

  /** Null when the node vanished between listing and reading (an ephemeral claim that just ended). */
  private byte[] readOrNull(String path, Stat stat) {
    return conn.call("reading " + path, () -> {
      try {
        return stat == null ? conn.curator().getData().forPath(path)
            : conn.curator().getData().storingStatIn(stat).forPath(path);
      } catch (KeeperException.NoNodeException e) {
        return null;
      }
    });
  }
}

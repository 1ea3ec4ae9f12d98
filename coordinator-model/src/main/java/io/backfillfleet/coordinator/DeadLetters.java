package io.backfillfleet.coordinator;

import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * Every document a target rejected, with its reason, so on-call can list and fix them:
 * {@code <root>/jobs/<job>/rejected/<sliceId>-<seq>} (persistent sequential), one node per batch of at most
 * {@value #BATCH} documents. Reasons are cut to {@value #MAX_REASON} characters.
 */
public final class DeadLetters {
  static final int BATCH = 200;
  static final int MAX_REASON = 500;
  private final CoordinatorConnection conn;

  public DeadLetters(CoordinatorConnection conn) {
    this.conn = conn;
  }

  /** A batch as stored. */
  public record Batch(int schema, String sliceId, List<RejectedDoc> docs) {}

  public static String path(JobLayout layout) {
    return layout.jobPath() + "/rejected";
  }

  public void record(String job, String sliceId, List<RejectedDoc> docs) {
    if (docs.isEmpty()) return;
    JobLayout layout = conn.layout(job);
    for (int i = 0; i < docs.size(); i += BATCH) {
      List<RejectedDoc> part = new ArrayList<>();
      for (RejectedDoc d : docs.subList(i, Math.min(docs.size(), i + BATCH))) {
        String r = d.reason() == null ? "" : d.reason();
        part.add(new RejectedDoc(d.id(), r.length() > MAX_REASON ? r.substring(0, MAX_REASON) + "..." : r));
      }
      byte[] data = NodeCodec.encode(new Batch(1, sliceId, part));
      conn.call("recording rejected documents of slice " + sliceId, () -> conn.curator().create()
          .creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
          .forPath(path(layout) + "/" + sliceId + "-", data));
    }
  }

  /** All rejected documents of a job, oldest first. */
  public List<Batch> list(String job) {
    JobLayout layout = conn.layout(job);
    return conn.call("listing rejected documents of job " + job, () -> {
      List<String> names;
      try {
        names = conn.curator().getChildren().forPath(path(layout));
      } catch (KeeperException.NoNodeException e) {
        return List.of();
      }
      List<Batch> out = new ArrayList<>();
      for (String n : names.stream().sorted((a, b) -> a.substring(a.lastIndexOf('-')).compareTo(b.substring(b.lastIndexOf('-'))))
          .toList()) {
        String p = path(layout) + "/" + n;
        try {
          out.add(NodeCodec.decode(p, conn.curator().getData().forPath(p), Batch.class));
        } catch (KeeperException.NoNodeException gone) {
          // deleted while listing
        }
      }
      return out;
    });
  }
}

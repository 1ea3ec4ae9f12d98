package io.backfillfleet.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * What ZooKeeper keeps of the documents a target rejected: one node per slice,
 * {@code <root>/jobs/<job>/rejected/<sliceId>} ({@link SliceRejections}): the slice's count and a sample of the
 * first {@value SliceRejections#SAMPLE_SIZE} distinct ids with reasons. Bounded whatever the number of rejections,
 * and idempotent: a page recorded again (re-copied after a crash or a takeover) changes nothing.
 */
public final class DeadLetters {
  private final CoordinatorConnection conn;
  private final java.util.function.BiFunction<JobLayout, String, String> folder;
  private final String what;

  /** The rejected documents: {@code rejected/<b>/<sliceId>}. */
  public DeadLetters(CoordinatorConnection conn) {
    this(conn, JobLayout::rejectedPath, "rejected documents");
  }

  private DeadLetters(CoordinatorConnection conn, java.util.function.BiFunction<JobLayout, String, String> folder,
      String what) {
    this.conn = conn;
    this.folder = folder;
    this.what = what;
  }

  /**
   * The documents written with values the target could not hold as they were, kept the same way ({@code
   * changed/<b>/<sliceId>}: count and sample, the reason saying what changed). They were written, so no tolerance
   * applies to them.
   */
  public static DeadLetters changed(CoordinatorConnection conn) {
    return new DeadLetters(conn, JobLayout::changedPath, "documents written with changed values");
  }

  private final Map<String, Buckets> buckets = new java.util.concurrent.ConcurrentHashMap<>();

  /** {@code rejected/<b>/<sliceId>}; the job's bucket count is read once (it never changes). */
  public String path(String job, String sliceId) {
    Buckets b = buckets.computeIfAbsent(job, j -> new JobRepository(conn).readSpec(j)
        .orElseThrow(() -> JobRepository.noSuchJob(conn, j)).requireCurrentLayout());
    return folder.apply(conn.layout(job), b.of(sliceId)) + "/" + sliceId;
  }

  /**
   * Records a page's rejected documents for the holder of {@code holderEpoch}, whose running count of the slice's
   * rejections (from the start of its window up to this page) is {@code countSoFar}. Returns the node as written.
   */
  public SliceRejections record(String job, String sliceId, long holderEpoch, long countSoFar,
      List<RejectedDoc> docs) {
    JobLayout.requireValidName("slice id", sliceId);
    String p = path(job, sliceId);
    CuratorFramework zk = conn.curator();
    String action = "recording " + what + " of slice " + sliceId;
    for (int i = 0; i < ConflictBackoff.ATTEMPTS; i++) {
      Stat stat = new Stat();
      byte[] data = read(p, stat, action);
      SliceRejections now = data == null ? SliceRejections.empty(sliceId)
          : NodeCodec.decode(p, data, SliceRejections.class);
      SliceRejections next = now.recorded(holderEpoch, countSoFar, docs);
      if (next.equals(now)) return now;
      byte[] bytes = NodeCodec.encode(next);
      try {
        conn.call(action, () -> data == null
            ? zk.create().creatingParentContainersIfNeeded().forPath(p, bytes)
            : zk.setData().withVersion(stat.getVersion()).forPath(p, bytes));
        return next;
      } catch (CoordinationException e) {
        if (!(e.getCause() instanceof KeeperException.BadVersionException
            || e.getCause() instanceof KeeperException.NodeExistsException
            || e.getCause() instanceof KeeperException.NoNodeException)) {
          throw e;
        }
        // another holder (or a reset) wrote in between: read again and merge
      }
      ConflictBackoff.pause(i);
    }
    throw new CoordinationException("the " + what + " of slice " + sliceId + " kept changing while "
        + action + "; the slice is retried");
  }

  /**
   * After a reset to epoch {@code resetEpoch}: forgets what holders up to that epoch recorded (the slice is copied
   * again from scratch), and keeps what a holder claiming after the reset may already have written.
   */
  public void clearAfterReset(String job, String sliceId, long resetEpoch) {
    String p = path(job, sliceId);
    String action = "clearing " + what + " of slice " + sliceId;
    for (int i = 0; i < ConflictBackoff.ATTEMPTS; i++) {
      Stat stat = new Stat();
      byte[] data = read(p, stat, action);
      if (data == null || NodeCodec.decode(p, data, SliceRejections.class).epoch() > resetEpoch) return;
      try {
        conn.call(action, () -> conn.curator().delete().withVersion(stat.getVersion()).forPath(p));
        return;
      } catch (CoordinationException e) {
        if (e.getCause() instanceof KeeperException.NoNodeException) return;
        if (!(e.getCause() instanceof KeeperException.BadVersionException)) throw e;
      }
      ConflictBackoff.pause(i);
    }
    throw new CoordinationException("the " + what + " of slice " + sliceId + " kept changing while " + action);
  }

  /** The rejected documents of a job, by slice id: a listing per bucket and a read per slice with rejections. */
  public List<SliceRejections> list(String job) {
    JobLayout layout = conn.layout(job);
    Buckets b = new JobRepository(conn).readSpec(job).orElseThrow(() -> JobRepository.noSuchJob(conn, job))
        .requireCurrentLayout();
    BulkReader bulk = new BulkReader(conn);
    List<String> paths = new ArrayList<>();
    bulk.children("listing " + what + " of job " + job, b.all().stream().map(x -> folder.apply(layout, x)).toList())
        .forEach((folder, names) -> names.forEach(n -> paths.add(folder + "/" + n)));
    Map<String, SliceRejections> bySlice = new TreeMap<>();
    bulk.read("reading " + what + " of job " + job, paths).forEach((p, n) -> {
      SliceRejections r = NodeCodec.decode(p, n.data(), SliceRejections.class);
      bySlice.put(r.sliceId(), r);
    });
    return new ArrayList<>(bySlice.values());
  }

  private byte[] read(String p, Stat stat, String action) {
    return conn.call(action, () -> {
      try {
        return conn.curator().getData().storingStatIn(stat).forPath(p);
      } catch (KeeperException.NoNodeException e) {
        return null;
      }
    });
  }
}

package io.backfillfleet.coordinator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs as a whole: publish (in batches, resumable), read, list, delete.
 *
 * <p>Publishing writes the job node as {@code PUBLISHING}, then the slices in batches of one {@code multi}
 * each, then flips the job to {@code READY}. Workers ignore a job until it is READY, so a publish that was
 * interrupted can be resumed (same plan id: only the missing slices are written) or deleted, never half-run.
 */
public final class JobRepository {
  private static final Logger LOG = LoggerFactory.getLogger(JobRepository.class);
  /** Slices per multi; about 500 bytes each keeps a batch far below ZooKeeper's 1 MB request limit. */
  static final int BATCH = 500;

  private final CoordinatorConnection conn;

  public JobRepository(CoordinatorConnection conn) {
    this.conn = conn;
  }

  /** What a publish did. */
  public record PublishResult(String job, int slicesWritten, int slicesAlreadyThere, boolean resumed) {}

  /**
   * Publishes a new job with its slices. Refuses (changing nothing) if the job exists, unless it is an
   * interrupted publish of the same plan, which is then completed.
   */
  public PublishResult publish(JobSpec spec, List<PlannedSlice> slices) {
    JobLayout layout = conn.layout(spec.name());
    CuratorFramework zk = conn.curator();
    long estimated = slices.stream().mapToLong(s -> s.work().estimatedDocs()).sum();
    JobSpec publishing = spec.inState(JobSpec.PublishState.PUBLISHING).withSlices(slices.size(), estimated);
    requireUniqueIds(slices);

    boolean resumed = false;
    Optional<Versioned<JobSpec>> existing = readSpecVersioned(spec.name());
    if (existing.isPresent()) {
      JobSpec old = existing.get().value();
      if (old.state() != JobSpec.PublishState.PUBLISHING || !old.planId().equals(spec.planId())) {
        throw new JobExistsException(spec.name(), old.state() == JobSpec.PublishState.READY
            ? "published with " + old.sliceCount() + " slices"
            : "an interrupted publish of another plan (" + old.planId() + ")");
      }
      resumed = true;
      LOG.info("resuming the interrupted publish of job {}", spec.name());
    } else {
      createJobNodes(layout, publishing);
    }

    Set<String> present = resumed ? new HashSet<>(conn.call("listing slices of " + spec.name(),
        () -> zk.getChildren().forPath(layout.slicesPath()))) : Set.of();
    List<PlannedSlice> missing = slices.stream().filter(s -> !present.contains(s.id())).toList();
    for (int i = 0; i < missing.size(); i += BATCH) {
      List<PlannedSlice> batch = missing.subList(i, Math.min(missing.size(), i + BATCH));
      writeBatch(layout, batch);
    }
    conn.call("marking job " + spec.name() + " ready", () -> {
      Versioned<JobSpec> now = readSpecVersioned(spec.name()).orElseThrow();
      return zk.setData().withVersion(now.version())
          .forPath(layout.jobPath(), NodeCodec.encode(now.value().inState(JobSpec.PublishState.READY)
              .withSlices(slices.size(), estimated)));
    });
    return new PublishResult(spec.name(), missing.size(), slices.size() - missing.size(), resumed);
  }

  /**
   * Adds slices to an existing, READY job (new tenants). Slices whose id exists are refused, changing nothing.
   */
  public int addSlices(String job, List<PlannedSlice> slices) {
    JobLayout layout = conn.layout(job);
    requireUniqueIds(slices);
    Versioned<JobSpec> spec = readSpecVersioned(job).orElseThrow(() -> noSuchJob(job));
    Set<String> present = new HashSet<>(conn.call("listing slices of " + job,
        () -> conn.curator().getChildren().forPath(layout.slicesPath())));
    List<String> clashes = slices.stream().map(PlannedSlice::id).filter(present::contains).limit(5).toList();
    if (!clashes.isEmpty()) {
      throw new CoordinationException("job '" + job + "' already has slices " + clashes + "; nothing was added");
    }
    for (int i = 0; i < slices.size(); i += BATCH) {
      writeBatch(layout, slices.subList(i, Math.min(slices.size(), i + BATCH)));
    }
    long added = slices.stream().mapToLong(s -> s.work().estimatedDocs()).sum();
    conn.call("updating job " + job, () -> conn.curator().setData().withVersion(spec.version()).forPath(layout.jobPath(),
        NodeCodec.encode(spec.value().withSlices(spec.value().sliceCount() + slices.size(),
            spec.value().estimatedDocs() + added))));
    return slices.size();
  }

  private void createJobNodes(JobLayout layout, JobSpec publishing) {
    CuratorFramework zk = conn.curator();
    conn.call("creating job " + layout.job(), () -> {
      try {
        zk.create().creatingParentsIfNeeded().forPath(JobLayout.jobsPath(layout.root()));
      } catch (KeeperException.NodeExistsException alreadyThere) {
        // the usual case after the first job
      }
      try {
        return zk.transaction().forOperations(List.of(
            zk.transactionOp().create().forPath(layout.jobPath(), NodeCodec.encode(publishing)),
            zk.transactionOp().create().forPath(layout.slicesPath()),
            zk.transactionOp().create().forPath(layout.claimsPath()),
            zk.transactionOp().create().forPath(layout.workersPath()),
            zk.transactionOp().create().forPath(layout.controlPath(), NodeCodec.encode(JobControl.DEFAULT))));
      } catch (KeeperException.NodeExistsException e) {
        throw new JobExistsException(layout.job(), "created concurrently by another planner");
      }
    });
  }

  private void writeBatch(JobLayout layout, List<PlannedSlice> batch) {
    CuratorFramework zk = conn.curator();
    List<CuratorOp> ops = new ArrayList<>(batch.size());
    for (PlannedSlice s : batch) {
      ops.add(conn.call("preparing slice " + s.id(), () -> zk.transactionOp().create()
          .forPath(layout.slicesPath() + "/" + s.id(), NodeCodec.encode(s.work()))));
    }
    conn.call("writing " + batch.size() + " slices of job " + layout.job(), () -> zk.transaction().forOperations(ops));
  }

  public boolean exists(String job) {
    return readSpecVersioned(job).isPresent();
  }

  public Optional<JobSpec> readSpec(String job) {
    return readSpecVersioned(job).map(Versioned::value);
  }

  /** Job names under the root, sorted. */
  public List<String> listJobs() {
    String path = JobLayout.jobsPath(conn.settings().root());
    return conn.call("listing jobs", () -> {
      try {
        return conn.curator().getChildren().forPath(path).stream().sorted().toList();
      } catch (KeeperException.NoNodeException e) {
        return List.of();
      }
    });
  }

  /** Deletes a job and everything under it. The caller decides whether held claims allow it. */
  public void delete(String job) {
    JobLayout layout = conn.layout(job);
    conn.call("deleting job " + job, () -> {
      try {
        conn.curator().delete().deletingChildrenIfNeeded().forPath(layout.jobPath());
      } catch (KeeperException.NoNodeException e) {
        throw noSuchJob(job);
      }
      return null;
    });
  }

  Optional<Versioned<JobSpec>> readSpecVersioned(String job) {
    JobLayout layout = conn.layout(job);
    return conn.call("reading job " + job, () -> {
      Stat stat = new Stat();
      try {
        byte[] data = conn.curator().getData().storingStatIn(stat).forPath(layout.jobPath());
        return Optional.of(new Versioned<>(NodeCodec.decode(layout.jobPath(), data, JobSpec.class), stat.getVersion()));
      } catch (KeeperException.NoNodeException e) {
        return Optional.empty();
      }
    });
  }

  static NoSuchJobException noSuchJob(String job) {
    return new NoSuchJobException("no job '" + job + "' in ZooKeeper; 'backfill jobs' lists the jobs there");
  }

  private static void requireUniqueIds(List<PlannedSlice> slices) {
    Set<String> seen = new HashSet<>();
    for (PlannedSlice s : slices) {
      if (!seen.add(s.id())) throw new IllegalArgumentException("slice id " + s.id() + " appears twice in the plan");
    }
  }
}

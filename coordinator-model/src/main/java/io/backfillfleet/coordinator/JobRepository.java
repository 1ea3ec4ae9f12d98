package io.backfillfleet.coordinator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs as a whole: publish (in batches, resumable), read, list, delete.
 *
 * <p>Publishing writes the job node as {@code PUBLISHING}, then each bucket's folders and tally, then the slices in
 * batches of one {@code multi} each (several in flight), then flips the job to {@code READY}. Workers ignore a job until
 * it is READY, so a publish that was interrupted can be resumed (same plan id: only the missing slices are written) or
 * deleted, never half-run.
 */
public final class JobRepository {
  private static final Logger LOG = LoggerFactory.getLogger(JobRepository.class);
  /** Slices per multi (each is a work node and its open marker): about 150 KB, far below the 1 MiB request limit. */
  static final int BATCH = 250;
  /** Multis in flight while publishing: ZooKeeper's throughput, not its round trip, then bounds a million slices. */
  static final int WRITERS = 8;
  private static final int TALLY_TRIES = 50;

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
    return publish(spec, slices, Integer.MAX_VALUE);
  }

  /** Where a slice's work node is ({@code slices/<b>/<id>}), for tools and tests that look at one node. */
  public String slicePath(String job, String sliceId) {
    Buckets b = readSpec(job).orElseThrow(() -> noSuchJob(conn, job)).requireCurrentLayout();
    return conn.layout(job).slicePath(b.of(sliceId), sliceId);
  }

  /** A publish that stops, as if its planner died, once {@code batchesToWrite} batches are written (for tests). */
  PublishResult publish(JobSpec spec, List<PlannedSlice> slices, int batchesToWrite) {
    JobLayout layout = conn.layout(spec.name());
    CuratorFramework zk = conn.curator();
    requireUniqueIds(slices);
    long estimated = slices.stream().mapToLong(s -> s.work().estimatedDocs()).sum();

    boolean resumed = false;
    Optional<Versioned<JobSpec>> existing = readSpecVersioned(spec.name());
    Buckets buckets;
    if (existing.isPresent()) {
      JobSpec old = existing.get().value();
      if (old.state() != JobSpec.PublishState.PUBLISHING || !old.planId().equals(spec.planId())) {
        throw new JobExistsException(spec.name(), old.state() == JobSpec.PublishState.READY
            ? "published with " + old.sliceCount() + " slices"
            : "an interrupted publish of another plan (" + old.planId() + ")");
      }
      buckets = old.requireCurrentLayout();
      resumed = true;
      LOG.info("resuming the interrupted publish of job {}", spec.name());
    } else {
      buckets = Buckets.forSlices(slices.size());
      createJobNodes(layout, spec.inState(JobSpec.PublishState.PUBLISHING).withSlices(slices.size(), estimated)
          .withLayout(buckets));
    }

    Map<String, List<PlannedSlice>> byBucket = byBucket(buckets, slices);
    createBuckets(layout, buckets, byBucket);
    Set<String> present = resumed ? presentIds(layout, byBucket.keySet()) : Set.of();
    List<List<PlannedSlice>> batches = new ArrayList<>();
    for (List<PlannedSlice> inBucket : byBucket.values()) {
      List<PlannedSlice> missing = inBucket.stream().filter(s -> !present.contains(s.id())).toList();
      for (int i = 0; i < missing.size(); i += BATCH) batches.add(missing.subList(i, Math.min(missing.size(), i + BATCH)));
    }
    if (batchesToWrite < batches.size()) {
      writeInParallel(layout, buckets, batches.subList(0, batchesToWrite));
      throw new CoordinationException("publish of job " + spec.name() + " stopped after " + batchesToWrite + " batches");
    }
    writeInParallel(layout, buckets, batches);
    conn.call("marking job " + spec.name() + " ready", () -> {
      Versioned<JobSpec> now = readSpecVersioned(spec.name()).orElseThrow();
      return zk.setData().withVersion(now.version())
          .forPath(layout.jobPath(), NodeCodec.encode(now.value().inState(JobSpec.PublishState.READY)));
    });
    int written = batches.stream().mapToInt(List::size).sum();
    return new PublishResult(spec.name(), written, slices.size() - written, resumed);
  }

  /**
   * Adds slices to an existing, READY job (new tenants). Slices whose id exists are refused, changing nothing. Each
   * bucket's slices are written with its tally in one multi, so the accounting never misses a slice.
   */
  public int addSlices(String job, List<PlannedSlice> slices) {
    JobLayout layout = conn.layout(job);
    requireUniqueIds(slices);
    Versioned<JobSpec> spec = readSpecVersioned(job).orElseThrow(() -> noSuchJob(conn, job));
    Buckets buckets = spec.value().requireCurrentLayout();
    Map<String, List<PlannedSlice>> byBucket = byBucket(buckets, slices);
    Set<String> present = presentIds(layout, byBucket.keySet());
    List<String> clashes = slices.stream().map(PlannedSlice::id).filter(present::contains).limit(5).toList();
    if (!clashes.isEmpty()) {
      throw new CoordinationException("job '" + job + "' already has slices " + clashes + "; nothing was added");
    }
    for (Map.Entry<String, List<PlannedSlice>> e : byBucket.entrySet()) {
      List<PlannedSlice> inBucket = e.getValue();
      for (int i = 0; i < inBucket.size(); i += BATCH) {
        addToBucket(layout, e.getKey(), inBucket.subList(i, Math.min(inBucket.size(), i + BATCH)));
      }
    }
    long added = slices.stream().mapToLong(s -> s.work().estimatedDocs()).sum();
    for (int i = 0; i < ConflictBackoff.ATTEMPTS; i++) {
      Versioned<JobSpec> now = readSpecVersioned(job).orElseThrow(() -> noSuchJob(conn, job));
      try {
        conn.call("updating job " + job, () -> conn.curator().setData().withVersion(now.version())
            .forPath(layout.jobPath(), NodeCodec.encode(now.value().withSlices(now.value().sliceCount() + slices.size(),
                now.value().estimatedDocs() + added))));
        return slices.size();
      } catch (CoordinationException ex) {
        if (!(ex.getCause() instanceof KeeperException.BadVersionException)) throw ex;
      }
      ConflictBackoff.pause(i);
    }
    throw new CoordinationException("job '" + job + "' kept changing while its slice count was updated; the slices"
        + " were added, run the same command again to fix the count");
  }

  /** One multi: the slices, their open markers and the bucket's tally; retried while workers move the tally. */
  private void addToBucket(JobLayout layout, String bucket, List<PlannedSlice> batch) {
    CuratorFramework zk = conn.curator();
    long estimated = batch.stream().mapToLong(s -> s.work().estimatedDocs()).sum();
    for (int attempt = 0; attempt < TALLY_TRIES; attempt++) {
      ensureOpenFolder(layout, bucket);
      Versioned<BucketTally> tally = readTally(layout, bucket);
      List<CuratorOp> ops = new ArrayList<>();
      ops.add(conn.call("preparing", () -> zk.transactionOp().setData().withVersion(tally.version())
          .forPath(layout.tallyPath(bucket), NodeCodec.encode(tally.value().plusSlices(batch.size(), estimated)))));
      for (PlannedSlice s : batch) ops.addAll(sliceOps(layout, bucket, s));
      try {
        conn.call("writing " + batch.size() + " slices of job " + layout.job(), () -> zk.transaction().forOperations(ops));
        return;
      } catch (CoordinationException e) {
        MultiFailure f = MultiFailure.of(e);
        // the tally moved (a worker finished a slice), or the bucket's open folder was just removed: again
        if (f == null || !(f.is(0, KeeperException.Code.BADVERSION) || f.code() == KeeperException.Code.NONODE)) throw e;
      }
      ConflictBackoff.pause(Math.min(attempt, 5));
    }
    throw new CoordinationException("bucket " + bucket + " of job " + layout.job() + " kept changing while slices were"
        + " added to it; run the same command again (slices already added are refused as present)");
  }

  private List<CuratorOp> sliceOps(JobLayout layout, String bucket, PlannedSlice s) {
    CuratorFramework zk = conn.curator();
    return conn.call("preparing slice " + s.id(), () -> List.of(
        zk.transactionOp().create().forPath(layout.slicePath(bucket, s.id()), NodeCodec.encode(s.work())),
        zk.transactionOp().create().forPath(layout.openPath(bucket, s.id()))));
  }

  /** Creates {@code open/<b>} if it is missing (it is removed when its bucket's last open slice finishes). */
  void ensureOpenFolder(JobLayout layout, String bucket) {
    conn.call("creating " + layout.openPath(bucket), () -> {
      try {
        return conn.curator().create().forPath(layout.openPath(bucket));
      } catch (KeeperException.NodeExistsException e) {
        return null;
      }
    });
  }

  Versioned<BucketTally> readTally(JobLayout layout, String bucket) {
    String path = layout.tallyPath(bucket);
    return conn.call("reading " + path, () -> {
      Stat stat = new Stat();
      byte[] data = conn.curator().getData().storingStatIn(stat).forPath(path);
      return new Versioned<>(NodeCodec.decode(path, data, BucketTally.class), stat.getVersion());
    });
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
            zk.transactionOp().create().forPath(layout.openPath()),
            zk.transactionOp().create().forPath(layout.claimsPath()),
            zk.transactionOp().create().forPath(layout.rejectedPath()),
            zk.transactionOp().create().forPath(layout.workersPath()),
            zk.transactionOp().create().forPath(layout.controlPath(), NodeCodec.encode(JobControl.DEFAULT))));
      } catch (KeeperException.NodeExistsException e) {
        throw new JobExistsException(layout.job(), "created concurrently by another planner");
      }
    });
  }

  /** Every bucket's folders and its tally (the plan's count for it); those already there are kept (a resume). */
  private void createBuckets(JobLayout layout, Buckets buckets, Map<String, List<PlannedSlice>> byBucket) {
    CuratorFramework zk = conn.curator();
    Set<String> have = new HashSet<>(conn.call("listing the buckets of " + layout.job(),
        () -> zk.getChildren().forPath(layout.claimsPath())));
    List<CuratorOp> ops = new ArrayList<>();
    for (String b : buckets.all()) {
      if (have.contains(b)) continue;
      List<PlannedSlice> in = byBucket.getOrDefault(b, List.of());
      BucketTally tally = BucketTally.EMPTY.plusSlices(in.size(),
          in.stream().mapToLong(s -> s.work().estimatedDocs()).sum());
      ops.addAll(conn.call("preparing bucket " + b, () -> {
        List<CuratorOp> l = new ArrayList<>(List.of(
            zk.transactionOp().create().forPath(layout.slicesPath(b)),
            zk.transactionOp().create().forPath(layout.rejectedPath(b))));
        if (!in.isEmpty()) l.add(zk.transactionOp().create().forPath(layout.openPath(b)));
        // the claims folder with the tally last: a resumed publish takes a bucket that has it as complete
        l.add(zk.transactionOp().create().forPath(layout.claimsPath(b), NodeCodec.encode(tally)));
        return l;
      }));
      if (ops.size() >= 400) {
        List<CuratorOp> batch = List.copyOf(ops);
        conn.call("creating buckets of " + layout.job(), () -> zk.transaction().forOperations(batch));
        ops.clear();
      }
    }
    if (!ops.isEmpty()) conn.call("creating buckets of " + layout.job(), () -> zk.transaction().forOperations(ops));
  }

  private Set<String> presentIds(JobLayout layout, Collection<String> buckets) {
    Set<String> present = new HashSet<>();
    new BulkReader(conn).children("listing slices of " + layout.job(),
        buckets.stream().map(layout::slicesPath).toList()).values().forEach(present::addAll);
    return present;
  }

  private void writeInParallel(JobLayout layout, Buckets buckets, List<List<PlannedSlice>> batches) {
    if (batches.isEmpty()) return;
    CuratorFramework zk = conn.curator();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(WRITERS, batches.size()));
    try {
      List<Future<?>> done = new ArrayList<>();
      for (List<PlannedSlice> batch : batches) {
        done.add(pool.submit(() -> {
          String bucket = buckets.of(batch.get(0).id());
          List<CuratorOp> ops = new ArrayList<>(batch.size() * 2);
          for (PlannedSlice s : batch) ops.addAll(sliceOps(layout, bucket, s));
          return conn.call("writing " + batch.size() + " slices of job " + layout.job(),
              () -> zk.transaction().forOperations(ops));
        }));
      }
      for (Future<?> f : done) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException re) throw re;
          throw new CoordinationException("publishing job " + layout.job() + " failed: " + e.getCause(), e.getCause());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CoordinationException("interrupted while publishing job " + layout.job(), e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Map<String, List<PlannedSlice>> byBucket(Buckets buckets, List<PlannedSlice> slices) {
    Map<String, List<PlannedSlice>> out = new TreeMap<>();
    for (PlannedSlice s : slices) out.computeIfAbsent(buckets.of(s.id()), b -> new ArrayList<>()).add(s);
    return out;
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

  /**
   * Deletes a job and everything under it, folder by folder: each folder's children in multis of {@value #BATCH}, so a
   * million slices take minutes, not hours. Works for jobs of the old layout too (a listing too large for ZooKeeper's
   * packet limit is named as such, see {@link CoordinatorConnection#children}). The caller decides whether held claims
   * allow it.
   */
  public void delete(String job) {
    JobLayout layout = conn.layout(job);
    if (conn.call("reading job " + job, () -> conn.curator().checkExists().forPath(layout.jobPath())) == null) {
      throw noSuchJob(conn, job);
    }
    deleteTree(layout.jobPath());
  }

  /** Children first, in multis; a multi refused (a child is a folder, or ended meanwhile) goes one by one, recursing. */
  private void deleteTree(String path) {
    CuratorFramework zk = conn.curator();
    List<String> children = conn.children("listing " + path, path);
    for (int i = 0; i < children.size(); i += BATCH * 2) {
      List<String> batch = children.subList(i, Math.min(children.size(), i + BATCH * 2)).stream()
          .map(c -> path + "/" + c).toList();
      List<CuratorOp> ops = new ArrayList<>();
      for (String p : batch) ops.add(conn.call("preparing", () -> zk.transactionOp().delete().forPath(p)));
      try {
        conn.call("deleting under " + path, () -> zk.transaction().forOperations(ops));
      } catch (CoordinationException e) {
        for (String p : batch) deleteTree(p);
      }
    }
    deleteQuietly(path);
  }

  private void deleteQuietly(String p) {
    conn.call("deleting " + p, () -> {
      try {
        conn.curator().delete().forPath(p);
      } catch (KeeperException.NoNodeException gone) {
        // ended meanwhile
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

  /** The job is not under this connection's root: the message names the root and ZooKeeper looked in. */
  public static NoSuchJobException noSuchJob(CoordinatorConnection conn, String job) {
    return new NoSuchJobException("no job '" + job + "' under root " + conn.settings().root() + " of ZooKeeper "
        + conn.settings().connectString() + "; 'backfill jobs' lists the jobs there (the job file's zookeeper.root"
        + " or --root chooses the root)");
  }

  private static void requireUniqueIds(List<PlannedSlice> slices) {
    Set<String> seen = new HashSet<>();
    for (PlannedSlice s : slices) {
      if (!seen.add(s.id())) throw new IllegalArgumentException("slice id " + s.id() + " appears twice in the plan");
    }
  }
}

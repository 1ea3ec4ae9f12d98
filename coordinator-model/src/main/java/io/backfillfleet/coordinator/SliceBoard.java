package io.backfillfleet.coordinator;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's way to find and claim work in one job, reading only what a claim needs: the listing of the buckets
 * that still have open slices ({@code open}), one bucket's open slices and claims, and the work node it claims. Nothing
 * is cached per slice, so a worker's reads per claim and its heap do not grow with the job (issue 16; the board used
 * to load every work node of the job). It follows the job node and the control node (pause, throttle) live. Workers
 * pick buckets and slices at random, which keeps contention low when many start at once.
 * Lifecycle: {@link #start(Duration)}, then {@link #close()}.
 */
public final class SliceBoard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SliceBoard.class);
  /** Work nodes looked at per claim before giving up for now (each a lost race, a finished or a corrupt slice). */
  private static final int CLAIM_TRIES = 64;
  /** Candidates older than this are listed again: others claim from the same bucket meanwhile. */
  private static final Duration CANDIDATES_TTL = Duration.ofSeconds(10);
  private static final Duration WORKERS_TTL = Duration.ofSeconds(5);
  private static final Duration COUNTS_TTL = Duration.ofMinutes(5);

  private final CoordinatorConnection conn;
  private final JobLayout layout;
  private final Clock clock;
  private final CuratorCache jobCache;
  private final CuratorCache controlCache;
  private final CuratorCache splitSignalCache;
  private final Map<String, String> corrupt = new ConcurrentHashMap<>();
  private final Map<String, ClaimAttempt> unanswered = new ConcurrentHashMap<>();
  private final Set<String> issued = ConcurrentHashMap.newKeySet(); // "<slice>#<epoch>" of every claim handed out
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ZkOps ops = new ZkOps();
  /** Buckets with open slices, as last listed, in random order; consumed as they run dry. */
  private final Deque<String> openBuckets = new ArrayDeque<>();
  /** Open, unclaimed slices of the bucket being worked on, in random order. */
  private final Deque<String> candidates = new ArrayDeque<>();
  private String candidatesBucket;
  private long candidatesListedAt;
  private volatile JobSpec spec;
  private volatile JobControl control = JobControl.DEFAULT;
  private volatile int liveWorkers = 1;
  private volatile long liveWorkersReadAt;
  private volatile List<String> workerIds; // null until first listed
  private volatile long workerIdsReadAt;
  private volatile BucketTally lastTotals;
  private volatile long lastTotalsAt;

  private static final byte[] NO_SLICE_OPEN = "no slice open".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  public SliceBoard(CoordinatorConnection conn, String job) {
    this(conn, job, Clock.systemUTC());
  }

  public SliceBoard(CoordinatorConnection conn, String job, Clock clock) {
    this.conn = conn;
    this.layout = conn.layout(job);
    this.clock = clock;
    this.jobCache = CuratorCache.build(conn.curator(), layout.jobPath(), CuratorCache.Options.SINGLE_NODE_CACHE);
    this.controlCache = CuratorCache.build(conn.curator(), layout.controlPath(), CuratorCache.Options.SINGLE_NODE_CACHE);
    jobCache.listenable().addListener(CuratorCacheListener.builder()
        .forCreatesAndChanges((oldNode, node) -> onJobNode(node))
        .forDeletes(n -> {
          spec = null;
          signal();
        }).build());
    controlCache.listenable().addListener(CuratorCacheListener.builder()
        .forCreatesAndChanges((oldNode, node) -> onControlNode(node)).build());
    // a split made a successor: idle workers waiting in awaitChange look for it now
    this.splitSignalCache = CuratorCache.build(conn.curator(), layout.splitSignalPath(),
        CuratorCache.Options.SINGLE_NODE_CACHE);
    splitSignalCache.listenable().addListener(CuratorCacheListener.builder()
        .forCreatesAndChanges((oldNode, node) -> signal()).build());
  }

  /**
   * Reads the job node and starts following it and the control node. Fails if the job does not exist, or was published
   * with a layout this version does not read ({@link OldLayoutException}: never read as an empty job).
   */
  public SliceBoard start(Duration timeout) {
    JobSpec s = new JobRepository(conn).readSpec(layout.job()).orElseThrow(() -> JobRepository.noSuchJob(conn, layout.job()));
    s.requireCurrentLayout();
    spec = s;
    control = new JobControlStore(conn).read(layout.job());
    jobCache.start();
    controlCache.start();
    splitSignalCache.start();
    return this;
  }

  /** Whether the job has been published completely (workers only work on READY jobs). */
  public boolean isReady() {
    JobSpec s = spec;
    return s != null && s.state() == JobSpec.PublishState.READY;
  }

  public Optional<JobSpec> spec() {
    return Optional.ofNullable(spec);
  }

  /** The job's control settings (pause, throttle) as last seen; followed live. */
  public JobControl control() {
    return control;
  }

  /** Estimated documents of the open slices, from the job's tallies (read at most every few minutes). */
  /** The documents the plan estimated for all of the job's slices (from the cached tallies). */
  public long estimatedDocs() {
    return totals().estimatedDocs();
  }

  public long remainingEstimatedDocs() {
    BucketTally t = totals();
    return Math.max(0, t.estimatedDocs() - t.finishedEstimatedDocs());
  }

  /**
   * How many workers are registered now (at least 1: the caller), for sharing the docs/s budget: the {@code workers}
   * folder's child count, read at most every few seconds (not a cache of every worker's node, which would send each
   * worker every other worker's updates).
   */
  public int liveWorkers() {
    long now = System.nanoTime();
    if (now - liveWorkersReadAt > WORKERS_TTL.toNanos()) {
      liveWorkersReadAt = now;
      try {
        Stat st = conn.call("counting workers", () -> conn.curator().checkExists().forPath(layout.workersPath()));
        liveWorkers = st == null ? 1 : Math.max(1, st.getNumChildren());
      } catch (CoordinationException e) {
        // keep the last count: the throttle's share is only as fresh as ZooKeeper lets it be
      }
    }
    return liveWorkers;
  }

  /**
   * This worker's share of a fleet-wide limit of {@code total} slices in flight: the live workers sorted by id, each
   * gets {@code total / n}, the first {@code total % n} one more, so the shares add up to the limit exactly. Read at
   * most every few seconds (a listing of the workers); a worker not registered yet counts as the last.
   */
  public int fleetShare(String workerId, int total) {
    long now = System.nanoTime();
    if (workerIds == null || now - workerIdsReadAt > WORKERS_TTL.toNanos()) {
      workerIdsReadAt = now;
      try {
        workerIds = new java.util.ArrayList<>(new java.util.TreeSet<>(conn.call("listing workers",
            () -> conn.curator().getChildren().forPath(layout.workersPath()))));
      } catch (CoordinationException e) {
        if (workerIds == null) workerIds = List.of(); // keep the last listing: as fresh as ZooKeeper lets it be
      }
    }
    List<String> ids = workerIds == null ? List.of() : workerIds;
    int rank = ids.indexOf(workerId);
    int n = ids.size();
    if (rank < 0) {
      rank = n;
      n++;
    }
    return total / n + (rank < total % n ? 1 : 0);
  }

  /** Slices whose work node could not be read when this worker tried to claim them: id -> problem. Skipped. */
  public Map<String, String> corruptSlices() {
    return new TreeMap<>(corrupt);
  }

  /**
   * Counts by state from the job's tallies, read at most every few minutes (a thousand workers each reading 2,000
   * tallies is load); {@code pending} counts held slices too (claims are not listed here: {@code status} does).
   */
  public BoardCounts counts() {
    BucketTally t = totals();
    return new BoardCounts(t.slices(), t.open(), t.done(), t.failed(), -1, corrupt.size());
  }

  private BucketTally totals() {
    long now = System.nanoTime();
    BucketTally t = lastTotals;
    if (t == null || now - lastTotalsAt > COUNTS_TTL.toNanos()) {
      t = new JobSummaryReader(conn).totals(layout.job());
      lastTotals = t;
      lastTotalsAt = now;
    }
    return t;
  }

  /**
   * True when no work can come any more, by the job's own accounting: the job is READY and no bucket has an open slice
   * (every slice is DONE or FAILED; a held slice is open), or the only open ones are corrupt and unclaimed (they need an
   * operator; see {@link #corruptSlices()}). Read from ZooKeeper each time; an unreadable listing throws, never answers
   * "finished".
   */
  public boolean isFinished() {
    if (!isReady()) return false;
    for (String bucket : ops.children(layout.openPath(), true)) {
      for (String id : ops.children(layout.openPath(bucket), false)) {
        if (!corrupt.containsKey(id) || ops.exists(layout.claimPath(bucket, id)) || repaired(bucket, id)) return false;
      }
    }
    return true;
  }

  /** Whether a slice this worker found corrupt reads well now (an operator reset or restored it): then it is work. */
  private boolean repaired(String bucket, String id) {
    byte[] data = ops.read(layout.slicePath(bucket, id), new Stat());
    if (data == null) return false;
    try {
      NodeCodec.decode(layout.slicePath(bucket, id), data, WorkNode.class);
    } catch (CorruptNodeException still) {
      return false;
    }
    corrupt.remove(id);
    return true;
  }

  /**
   * Claims a random free PENDING slice, or says why none was claimed. A claim sent while ZooKeeper did not answer is
   * looked up first: if it was applied, it is this worker's and is returned.
   */
  public synchronized ClaimOutcome claim(String workerId) {
    JobLayout.requireValidName("worker id", workerId);
    if (!isReady()) return ClaimOutcome.NotClaimed.JOB_NOT_READY;
    SliceClaim unansweredClaim = resolveUnanswered();
    if (unansweredClaim != null) return new ClaimOutcome.Claimed(unansweredClaim);
    Buckets buckets = spec.requireCurrentLayout();
    boolean listed = false;
    int lost = 0;
    for (int attempt = 0; attempt < CLAIM_TRIES; attempt++) {
      if (candidates.isEmpty() || System.nanoTime() - candidatesListedAt > CANDIDATES_TTL.toNanos()) {
        if (!candidates.isEmpty() && !openBuckets.contains(candidatesBucket)) openBuckets.addLast(candidatesBucket);
        candidates.clear();
        while (candidates.isEmpty()) {
          if (openBuckets.isEmpty()) {
            if (listed) break;
            listed = true;
            openBuckets.addAll(shuffled(ops.children(layout.openPath(), true)));
            if (openBuckets.isEmpty()) break;
          }
          listCandidates(openBuckets.poll());
        }
        if (candidates.isEmpty()) break;
      }
      String id = candidates.poll();
      String bucket = candidatesBucket;
      Stat stat = new Stat();
      byte[] data = ops.read(layout.slicePath(bucket, id), stat);
      if (data == null) { // open by the accounting, but its work node is gone: nobody can copy it
        if (corrupt.put(id, "work node " + layout.slicePath(bucket, id) + " is missing, but the slice is open") == null) {
          LOG.error("skipping slice {}: its work node is missing, but the slice is open", id);
        }
        continue;
      }
      WorkNode w;
      try {
        w = NodeCodec.decode(layout.slicePath(bucket, id), data, WorkNode.class);
        corrupt.remove(id);
      } catch (CorruptNodeException e) {
        if (corrupt.put(id, e.getMessage()) == null) LOG.error("skipping slice: {}", e.getMessage());
        continue;
      }
      if (w.state() != SliceState.PENDING) continue; // finished since the listing
      SliceClaim claim = tryClaim(buckets, id, new Versioned<>(w, stat.getVersion()), workerId);
      if (claim != null) return new ClaimOutcome.Claimed(claim);
      lost++;
      candidates.clear(); // others are claiming in this bucket: try another one
      if (!openBuckets.contains(bucket)) openBuckets.addLast(bucket);
    }
    return lost == 0 ? ClaimOutcome.NotClaimed.NONE_FREE : ClaimOutcome.NotClaimed.LOST_RACES;
  }

  /** A bucket's open slices that nobody holds and that are not known to be corrupt, in random order. */
  private void listCandidates(String bucket) {
    List<String> open = ops.children(layout.openPath(bucket), false);
    if (open.isEmpty()) return;
    Set<String> held = new HashSet<>(ops.children(layout.claimsPath(bucket), false));
    List<String> free = new ArrayList<>();
    for (String id : open) if (!held.contains(id) && !corrupt.containsKey(id)) free.add(id);
    candidates.addAll(shuffled(free));
    candidatesBucket = bucket;
    candidatesListedAt = System.nanoTime();
  }

  private static List<String> shuffled(List<String> in) {
    List<String> out = new ArrayList<>(in);
    Collections.shuffle(out, ThreadLocalRandom.current());
    return out;
  }

  /** {@link #claim(String)} for callers that do not need to know why nothing was claimed. */
  public Optional<SliceClaim> claimNext(String workerId) {
    return claim(workerId) instanceof ClaimOutcome.Claimed c ? Optional.of(c.claim()) : Optional.empty();
  }

  /** A claim as this worker sent it: what its nodes hold if ZooKeeper applied it. */
  private record ClaimAttempt(String bucket, String sliceId, WorkNode mine, int seenVersion, byte[] work,
      byte[] claim) {
    String key() {
      return sliceId + "#" + mine.epoch();
    }
  }

  /** Null when another worker got there first. */
  private SliceClaim tryClaim(Buckets buckets, String id, Versioned<WorkNode> seen, String workerId) {
    String bucket = buckets.of(id);
    if (seen.value().state() != SliceState.PENDING) return null;
    CuratorFramework zk = conn.curator();
    long epoch = seen.value().epoch() + 1;
    WorkNode mine = seen.value().claimedBy(workerId, epoch, clock.instant());
    ClaimInfo info = new ClaimInfo(ClaimInfo.SCHEMA, workerId, WorkerInfo.localHost(), clock.instant(), epoch);
    ClaimAttempt sent = new ClaimAttempt(bucket, id, mine, seen.version(), NodeCodec.encode(mine),
        NodeCodec.encode(info));
    try {
      List<CuratorTransactionResult> results = conn.call("claiming slice " + id, () -> zk.transaction().forOperations(List.of(
          zk.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(layout.claimPath(bucket, id),
              sent.claim()),
          zk.transactionOp().setData().withVersion(seen.version()).forPath(layout.slicePath(bucket, id),
              sent.work()))));
      int version = results.get(1).getResultStat().getVersion();
      // Not added to 'claimed' here: the cache may never see a claim that ends quickly (it fetches a node that is
      // already gone and reports nothing), and a local entry would then stay forever. ZooKeeper itself refuses a
      // second claim, so the cache lagging costs at most a lost race.
      issued.add(sent.key());
      return new SliceClaim(conn, layout, buckets, id, mine, version, clock);
    } catch (CoordinatorUnavailableException e) {
      unanswered.put(id, sent); // it may have been applied with only the answer lost: the next claim looks first
      throw e;
    } catch (CoordinationException e) {
      Throwable c = e.getCause();
      if (c instanceof KeeperException.NodeExistsException || c instanceof KeeperException.BadVersionException) {
        // Curator sends a multi again after a connection loss; if the first one was applied, the second meets this
        // worker's own claim node and version. Otherwise another worker got there first.
        return landed(sent);
      }
      if (c instanceof KeeperException.NoNodeException) return null; // the slice was deleted meanwhile
      throw e;
    }
  }

  /**
   * The claim, if ZooKeeper applied {@code sent}: its claim node is this session's and holds what this worker wrote,
   * and its work node holds exactly the bytes this worker wrote, one version after the one it claimed. Else null.
   */
  private SliceClaim landed(ClaimAttempt sent) {
    CuratorFramework zk = conn.curator();
    long session = conn.call("reading the session id", () -> zk.getZookeeperClient().getZooKeeper().getSessionId());
    Stat claimStat = new Stat();
    byte[] claimNode = readOrNull(layout.claimPath(sent.bucket(), sent.sliceId()), claimStat);
    if (claimNode == null || claimStat.getEphemeralOwner() != session || !Arrays.equals(claimNode, sent.claim())) {
      return null;
    }
    Stat workStat = new Stat();
    byte[] workNode = readOrNull(layout.slicePath(sent.bucket(), sent.sliceId()), workStat);
    if (workNode == null || workStat.getVersion() != sent.seenVersion() + 1 || !Arrays.equals(workNode, sent.work())) {
      return null;
    }
    // A claim this board already handed out (a second try on a stale view that wrote the same bytes) is not new.
    if (!issued.add(sent.key())) return null;
    LOG.info("slice {}: the answer to this worker's claim was lost, but the claim was applied; holding it",
        sent.sliceId());
    return new SliceClaim(conn, layout, spec.requireCurrentLayout(), sent.sliceId(), sent.mine(), workStat.getVersion(),
        clock);
  }

  /** Claims sent while ZooKeeper did not answer: each one either was applied (then it is this worker's) or not. */
  private SliceClaim resolveUnanswered() {
    for (String id : List.copyOf(unanswered.keySet())) {
      ClaimAttempt sent = unanswered.remove(id);
      if (sent == null) continue; // another thread of this worker resolved it
      try {
        SliceClaim claim = landed(sent);
        if (claim != null) return claim;
      } catch (CoordinatorUnavailableException e) {
        unanswered.putIfAbsent(id, sent); // still no answer: look again next time
        throw e;
      }
    }
    return null;
  }

  private byte[] readOrNull(String path, Stat stat) {
    return conn.call("re-reading " + path, () -> {
      try {
        return conn.curator().getData().storingStatIn(stat).forPath(path);
      } catch (KeeperException.NoNodeException e) {
        return null;
      }
    });
  }

  /**
   * Waits until the job or control node changes, a split makes a successor, or the timeout passes. For workers waiting
   * on others' claims.
   */
  public void awaitChange(Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      changed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      lock.unlock();
    }
  }

  private void onJobNode(ChildData node) {
    try {
      spec = NodeCodec.decode(node.getPath(), node.getData(), JobSpec.class);
    } catch (CorruptNodeException e) {
      LOG.error("{}", e.getMessage());
    }
    signal();
  }

  private void onControlNode(ChildData node) {
    try {
      control = NodeCodec.decode(node.getPath(), node.getData(), JobControl.class);
    } catch (CorruptNodeException e) {
      LOG.error("keeping the last good control settings: {}", e.getMessage());
    }
    signal();
  }

  /**
   * Tells the job's idle workers, which follow the signal node ({@link JobLayout#splitSignalPath()}), to look again
   * now: this worker found no slice open, so they can see the job end at once instead of after their idle back-off
   * (up to 10 s). Written once per job end: not when the signal, as this board last saw it, already says so (every
   * worker reaching the end would otherwise wake all the others again). Best effort, like the split signal.
   */
  public void signalNoSliceOpen() {
    if (noSliceOpenSignalled()) return;
    try {
      conn.call("signalling that job " + layout.job() + " has no open slice",
          () -> conn.curator().create().orSetData().forPath(layout.splitSignalPath(), NO_SLICE_OPEN));
    } catch (CoordinationException e) {
      LOG.debug("could not signal that job {} has no open slice: {}", layout.job(), e.getMessage());
    }
  }

  /** Whether the signal node, as this board last saw it, says a worker found no slice open. */
  public boolean noSliceOpenSignalled() {
    return splitSignalCache.get(layout.splitSignalPath())
        .map(d -> Arrays.equals(d.getData(), NO_SLICE_OPEN)).orElse(false);
  }

  /**
   * Wakes every {@link #awaitChange} caller now, for a change the board does not watch: the caller's own (a slice it
   * held finished, so the job may be finished or a slot free), which would otherwise wait out an idle back-off.
   */
  public void wakeWaiters() {
    signal();
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    jobCache.close();
    controlCache.close();
    splitSignalCache.close();
  }

  /**
   * Slice counts by state, from the job's tallies; {@code pending} includes held slices and {@code claimed} is -1 (not
   * read); {@code corrupt} is what this worker met while claiming.
   */
  public record BoardCounts(int total, int pending, int done, int failed, int claimed, int corrupt) {}

  /** The reads a claim needs; a missing node is an empty listing or null, anything else unreadable throws. */
  private final class ZkOps {
    List<String> children(String path, boolean mustExist) {
      if (mustExist && !exists(path)) {
        throw new CoordinationException("job " + layout.job() + " has no " + path + ": its nodes were changed by hand"
            + " or the job is being deleted");
      }
      return conn.children("listing " + path, path); // names a listing over the packet limit as such
    }

    byte[] read(String path, Stat stat) {
      return readOrNull(path, stat);
    }

    boolean exists(String path) {
      return conn.call("reading " + path, () -> conn.curator().checkExists().forPath(path)) != null;
    }
  }
}

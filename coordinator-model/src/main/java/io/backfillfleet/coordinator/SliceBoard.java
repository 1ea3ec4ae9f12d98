package io.backfillfleet.coordinator;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * A worker's view of one job's slices and claims, kept current by a Curator cache, so finding work
 * never lists 100k children per claim. Workers pick at random among free PENDING slices, which keeps
 * contention low when many start at once. Lifecycle: {@link #start()}, then {@link #close()}.
 */
public final class SliceBoard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SliceBoard.class);
  private static final int CLAIM_TRIES = 20;

  private final CoordinatorConnection conn;
  private final JobLayout layout;
  private final Clock clock;
  private final CuratorCache cache;
  private final Map<String, Versioned<WorkNode>> slices = new ConcurrentHashMap<>();
  private final Map<String, String> corrupt = new ConcurrentHashMap<>();
  private final Set<String> claimed = ConcurrentHashMap.newKeySet();
  private final Map<String, ClaimAttempt> unanswered = new ConcurrentHashMap<>();
  private final Set<String> issued = ConcurrentHashMap.newKeySet(); // "<slice>#<epoch>" of every claim handed out
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Set<String> workers = ConcurrentHashMap.newKeySet();
  private volatile JobSpec spec;
  private volatile JobControl control = JobControl.DEFAULT;
  private volatile boolean initialized;

  public SliceBoard(CoordinatorConnection conn, String job) {
    this(conn, job, Clock.systemUTC());
  }

  public SliceBoard(CoordinatorConnection conn, String job, Clock clock) {
    this.conn = conn;
    this.layout = conn.layout(job);
    this.clock = clock;
    this.cache = CuratorCache.build(conn.curator(), layout.jobPath());
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forCreatesAndChanges((oldNode, node) -> onNode(node))
        .forDeletes(this::onDelete)
        .forInitialized(this::onInitialized)
        .build());
  }

  /** Starts the cache and waits until it holds the whole job (or fails if the job does not exist). */
  public SliceBoard start(Duration timeout) {
    if (!new JobRepository(conn).exists(layout.job())) throw JobRepository.noSuchJob(layout.job());
    cache.start();
    if (!awaitCondition(() -> initialized, timeout)) {
      throw new CoordinatorUnavailableException(conn.settings().connectString(), "loading the slices of job "
          + layout.job(), new KeeperException.OperationTimeoutException());
    }
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

  /** The job's control settings (pause, throttle) as last seen; followed live through the cache. */
  public JobControl control() {
    return control;
  }

  /** Estimated documents still to copy: PENDING slices' estimates minus what they already read. */
  public long remainingEstimatedDocs() {
    long left = 0;
    for (Versioned<WorkNode> v : slices.values()) {
      WorkNode w = v.value();
      if (w.state() == SliceState.PENDING) left += Math.max(0, w.estimatedDocs() - w.docsRead());
    }
    return left;
  }

  /** How many workers are registered now (at least 1: the caller). For sharing the docs/s budget. */
  public int liveWorkers() {
    return Math.max(1, workers.size());
  }

  /** Slices whose work node cannot be read: id -> problem (message names the path). Skipped by claims. */
  public Map<String, String> corruptSlices() {
    return new TreeMap<>(corrupt);
  }

  /** Counts by state as the cache sees them now. */
  public BoardCounts counts() {
    int pending = 0, done = 0, failed = 0;
    for (Versioned<WorkNode> v : slices.values()) {
      switch (v.value().state()) {
        case PENDING -> pending++;
        case DONE -> done++;
        case FAILED -> failed++;
      }
    }
    return new BoardCounts(slices.size() + corrupt.size(), pending, done, failed, claimed.size(), corrupt.size());
  }

  /**
   * True when no work can come any more: the job is READY, no slice is PENDING and nobody holds a claim.
   * Corrupt slices are not counted as work (they need an operator); see {@link #corruptSlices()}.
   */
  public boolean isFinished() {
    if (!isReady() || unseenSlices() > 0) return false; // "done" is never concluded from a view missing slices
    BoardCounts c = counts();
    return c.pending() == 0 && c.claimed() == 0;
  }

  /**
   * How many of the slices the job node counts this board has not seen (0 when its view is whole). More than 0
   * after the cache loaded means ZooKeeper did not hand over the job's slices: e.g. their listing exceeded the
   * packet limit ({@code jute.maxbuffer}, 1 MiB by default), which Curator's cache only logs.
   */
  public int unseenSlices() {
    JobSpec s = spec;
    return s == null ? 0 : Math.max(0, s.sliceCount() - (slices.size() + corrupt.size()));
  }

  /**
   * Claims a random free PENDING slice, or says why none was claimed. A claim sent while ZooKeeper did not answer is
   * looked up first: if it was applied, it is this worker's and is returned.
   */
  public ClaimOutcome claim(String workerId) {
    JobLayout.requireValidName("worker id", workerId);
    if (!isReady()) return ClaimOutcome.NotClaimed.JOB_NOT_READY;
    SliceClaim unanswered = resolveUnanswered();
    if (unanswered != null) return new ClaimOutcome.Claimed(unanswered);
    Set<String> lostRaces = new HashSet<>();
    for (int attempt = 0; attempt < CLAIM_TRIES; attempt++) {
      // Claim exactly the version we saw PENDING: re-reading the map later could see a newer, DONE node and
      // "claim" a finished slice.
      List<Map.Entry<String, Versioned<WorkNode>>> free = new ArrayList<>();
      for (Map.Entry<String, Versioned<WorkNode>> e : slices.entrySet()) {
        if (e.getValue().value().state() == SliceState.PENDING && !claimed.contains(e.getKey())
            && !lostRaces.contains(e.getKey())) {
          free.add(Map.entry(e.getKey(), e.getValue()));
        }
      }
      if (free.isEmpty()) {
        return lostRaces.isEmpty() ? ClaimOutcome.NotClaimed.NONE_FREE : ClaimOutcome.NotClaimed.LOST_RACES;
      }
      Map.Entry<String, Versioned<WorkNode>> pick = free.get(ThreadLocalRandom.current().nextInt(free.size()));
      SliceClaim claim = tryClaim(pick.getKey(), pick.getValue(), workerId);
      if (claim != null) return new ClaimOutcome.Claimed(claim);
      lostRaces.add(pick.getKey());
    }
    return ClaimOutcome.NotClaimed.LOST_RACES;
  }

  /** {@link #claim(String)} for callers that do not need to know why nothing was claimed. */
  public Optional<SliceClaim> claimNext(String workerId) {
    return claim(workerId) instanceof ClaimOutcome.Claimed c ? Optional.of(c.claim()) : Optional.empty();
  }

  /** A claim as this worker sent it: what its nodes hold if ZooKeeper applied it. */
  private record ClaimAttempt(String sliceId, WorkNode mine, int seenVersion, byte[] work, byte[] claim) {
    String key() {
      return sliceId + "#" + mine.epoch();
    }
  }

  /** Null when another worker got there first. */
  private SliceClaim tryClaim(String id, Versioned<WorkNode> seen, String workerId) {
    if (seen.value().state() != SliceState.PENDING) return null;
    CuratorFramework zk = conn.curator();
    long epoch = seen.value().epoch() + 1;
    WorkNode mine = seen.value().claimedBy(workerId, epoch, clock.instant());
    ClaimInfo info = new ClaimInfo(ClaimInfo.SCHEMA, workerId, WorkerInfo.localHost(), clock.instant(), epoch);
    ClaimAttempt sent = new ClaimAttempt(id, mine, seen.version(), NodeCodec.encode(mine), NodeCodec.encode(info));
    try {
      List<CuratorTransactionResult> results = conn.call("claiming slice " + id, () -> zk.transaction().forOperations(List.of(
          zk.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(layout.claimPath(id), sent.claim()),
          zk.transactionOp().setData().withVersion(seen.version()).forPath(layout.slicePath(id), sent.work()))));
      int version = results.get(1).getResultStat().getVersion();
      // Not added to 'claimed' here: the cache may never see a claim that ends quickly (it fetches a node that is
      // already gone and reports nothing), and a local entry would then stay forever. ZooKeeper itself refuses a
      // second claim, so the cache lagging costs at most a lost race.
      issued.add(sent.key());
      return new SliceClaim(conn, layout, id, mine, version, clock);
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
    byte[] claimNode = readOrNull(layout.claimPath(sent.sliceId()), claimStat);
    if (claimNode == null || claimStat.getEphemeralOwner() != session || !Arrays.equals(claimNode, sent.claim())) {
      return null;
    }
    Stat workStat = new Stat();
    byte[] workNode = readOrNull(layout.slicePath(sent.sliceId()), workStat);
    if (workNode == null || workStat.getVersion() != sent.seenVersion() + 1 || !Arrays.equals(workNode, sent.work())) {
      return null;
    }
    // A claim this board already handed out (a second try on a stale view that wrote the same bytes) is not new.
    if (!issued.add(sent.key())) return null;
    LOG.info("slice {}: the answer to this worker's claim was lost, but the claim was applied; holding it",
        sent.sliceId());
    return new SliceClaim(conn, layout, sent.sliceId(), sent.mine(), workStat.getVersion(), clock);
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

  /** Waits until the cache sees any change, or the timeout passes. For workers waiting on others' claims. */
  public void awaitChange(Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      changed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      lock.unlock();
    }
  }

  private boolean awaitCondition(java.util.function.BooleanSupplier done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (!done.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return false;
        changed.awaitNanos(left);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }

  private void onNode(ChildData node) {
    String path = node.getPath();
    if (path.equals(layout.jobPath())) {
      try {
        spec = NodeCodec.decode(path, node.getData(), JobSpec.class);
      } catch (CorruptNodeException e) {
        LOG.error("{}", e.getMessage());
      }
    } else if (isChild(path, layout.slicesPath())) {
      String id = name(path);
      try {
        slices.put(id, new Versioned<>(NodeCodec.decode(path, node.getData(), WorkNode.class), node.getStat().getVersion()));
        corrupt.remove(id);
      } catch (CorruptNodeException e) {
        slices.remove(id);
        if (corrupt.put(id, e.getMessage()) == null) LOG.error("skipping slice: {}", e.getMessage());
      }
    } else if (isChild(path, layout.claimsPath())) {
      claimed.add(name(path));
    } else if (isChild(path, layout.workersPath())) {
      workers.add(name(path));
    } else if (path.equals(layout.controlPath())) {
      try {
        control = NodeCodec.decode(path, node.getData(), JobControl.class);
      } catch (CorruptNodeException e) {
        LOG.error("keeping the last good control settings: {}", e.getMessage());
      }
    }
    signal();
  }

  private void onDelete(ChildData node) {
    String path = node.getPath();
    if (isChild(path, layout.slicesPath())) {
      slices.remove(name(path));
      corrupt.remove(name(path));
    } else if (isChild(path, layout.claimsPath())) {
      claimed.remove(name(path));
    } else if (isChild(path, layout.workersPath())) {
      workers.remove(name(path));
    } else if (path.equals(layout.jobPath())) {
      spec = null;
    }
    signal();
  }

  private void onInitialized() {
    initialized = true;
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

  private static boolean isChild(String path, String parent) {
    return path.length() > parent.length() + 1 && path.startsWith(parent) && path.charAt(parent.length()) == '/'
        && path.indexOf('/', parent.length() + 1) < 0;
  }

  private static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  @Override
  public void close() {
    cache.close();
  }

  /** Slice counts by state, as seen by a board. */
  public record BoardCounts(int total, int pending, int done, int failed, int claimed, int corrupt) {}
}

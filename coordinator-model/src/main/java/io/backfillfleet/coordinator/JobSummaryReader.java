package io.backfillfleet.coordinator;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a {@link JobSummary}: the job and control nodes, every bucket's tally (the data of its claims folder, whose
 * child count is its claims), the live workers and the held slices, all pipelined ({@link BulkReader}). Its cost grows
 * with buckets, workers and claims, not with slices: at a million slices, about 1,000 tallies.
 */
public final class JobSummaryReader {
  /** Failed slices listed by a summary; {@code status --state FAILED} lists them all. */
  public static final int FAILURES_SHOWN = 20;

  private final CoordinatorConnection conn;
  private final Clock clock;

  public JobSummaryReader(CoordinatorConnection conn) {
    this(conn, Clock.systemUTC());
  }

  public JobSummaryReader(CoordinatorConnection conn, Clock clock) {
    this.conn = conn;
    this.clock = clock;
  }

  /** Only the sum of the job's tallies: what a worker's progress line needs (no claims, workers or held slices). */
  public BucketTally totals(String job) {
    JobLayout layout = conn.layout(job);
    Buckets buckets = new JobRepository(conn).readSpec(job).orElseThrow(() -> JobRepository.noSuchJob(conn, job))
        .requireCurrentLayout();
    BucketTally totals = BucketTally.EMPTY;
    for (BucketRead b : tallies(conn, new BulkReader(conn), layout, buckets).values()) totals = totals.plus(b.tally());
    return totals;
  }

  /** A bucket's tally, and its claims (the child count of the claims folder that holds the tally). */
  record BucketRead(BucketTally tally, int claims) {}

  /** Every bucket's tally by bucket name, one pipelined read each; a bucket without one is left out. */
  static Map<String, BucketRead> tallies(CoordinatorConnection conn, BulkReader bulk, JobLayout layout,
      Buckets buckets) {
    Map<String, BucketRead> out = new LinkedHashMap<>();
    Map<String, BulkReader.Node> nodes = bulk.read("reading the tallies of job " + layout.job(),
        buckets.all().stream().map(layout::tallyPath).toList());
    for (String b : buckets.all()) {
      BulkReader.Node n = nodes.get(layout.tallyPath(b));
      if (n != null) {
        out.put(b, new BucketRead(NodeCodec.decode(layout.tallyPath(b), n.data(), BucketTally.class),
            n.stat().getNumChildren()));
      }
    }
    return out;
  }

  public JobSummary read(String job) {
    JobLayout layout = conn.layout(job);
    JobSpec spec = new JobRepository(conn).readSpec(job).orElseThrow(() -> JobRepository.noSuchJob(conn, job));
    Buckets buckets = spec.requireCurrentLayout();
    JobControl control = new JobControlStore(conn).read(job);
    BulkReader bulk = new BulkReader(conn);
    Map<String, String> corrupt = new TreeMap<>();

    Map<String, BucketRead> tallies = tallies(conn, bulk, layout, buckets);
    BucketTally totals = BucketTally.EMPTY;
    List<String> withFailures = new ArrayList<>();
    Map<String, Integer> claimsPerBucket = new TreeMap<>();
    for (String b : buckets.all()) {
      BucketRead n = tallies.get(b);
      if (n == null) {
        if (spec.state() == JobSpec.PublishState.READY) {
          throw new CoordinationException("job " + job + " has no tally for bucket " + b + " (" + layout.tallyPath(b)
              + "): its accounting is incomplete, so its progress cannot be told; were its nodes changed by hand?");
        }
        continue; // an interrupted publish: buckets not created yet
      }
      BucketTally t = n.tally();
      totals = totals.plus(t);
      if (n.claims() > 0) claimsPerBucket.put(b, n.claims());
      if (t.failed() > 0) withFailures.add(b);
    }

    Map<String, WorkerInfo> workers = workers(conn, layout, bulk, corrupt);

    Map<String, JobSummary.HeldSlice> held = heldSlices(layout, buckets, workers, claimsPerBucket, bulk, corrupt);
    List<Map.Entry<String, WorkNode>> failures = new ArrayList<>();
    for (String b : withFailures) {
      if (failures.size() >= FAILURES_SHOWN) break;
      new SliceScan(conn).bucket(layout, b, corrupt).forEach((id, v) -> {
        if (v.value().state() == SliceState.FAILED && failures.size() < FAILURES_SHOWN) failures.add(Map.entry(id, v.value()));
      });
    }
    return new JobSummary(spec, control, totals, workers, held, failures, corrupt, clock.instant());
  }

  /**
   * The held slices, each read with its claim and work node; a claim that ended meanwhile is left out. The live workers
   * report what they hold, and every bucket's claims folder (read for its tally) says by its child count how many
   * claims it has: only a bucket with more claims than its workers report is listed (a session holding a claim
   * without a registration is exactly what on-call must see). So at a million slices the claims cost a listing only
   * where something is odd.
   */
  private Map<String, JobSummary.HeldSlice> heldSlices(JobLayout layout, Buckets buckets, Map<String, WorkerInfo> workers,
      Map<String, Integer> claimsPerBucket, BulkReader bulk, Map<String, String> corrupt) {
    Map<String, List<String>> reported = new TreeMap<>();
    workers.values().forEach(w -> w.slicesHeld().forEach(id -> reported.computeIfAbsent(buckets.of(id),
        b -> new ArrayList<>()).add(id)));
    List<String> toList = new ArrayList<>();
    claimsPerBucket.forEach((b, n) -> {
      if (n > reported.getOrDefault(b, List.of()).size()) toList.add(b);
    });
    java.util.Set<String> ids = new java.util.LinkedHashSet<>();
    reported.values().forEach(ids::addAll);
    bulk.children("listing the claims of job " + layout.job(), toList.stream().map(layout::claimsPath).toList())
        .values().forEach(ids::addAll);
    List<String> paths = new ArrayList<>();
    for (String id : ids) {
      paths.add(layout.claimPath(buckets.of(id), id));
      paths.add(layout.slicePath(buckets.of(id), id));
    }
    Map<String, BulkReader.Node> nodes = bulk.read("reading the held slices of job " + layout.job(), paths);
    Map<String, JobSummary.HeldSlice> held = new LinkedHashMap<>();
    for (String id : ids) {
      BulkReader.Node claim = nodes.get(layout.claimPath(buckets.of(id), id));
      BulkReader.Node work = nodes.get(layout.slicePath(buckets.of(id), id));
      if (claim == null) continue;
      try {
        held.put(id, new JobSummary.HeldSlice(
            NodeCodec.decode(layout.claimPath(buckets.of(id), id), claim.data(), ClaimInfo.class),
            work == null ? null : NodeCodec.decode(layout.slicePath(buckets.of(id), id), work.data(), WorkNode.class)));
      } catch (CorruptNodeException e) {
        corrupt.put(id, e.getMessage());
      }
    }
    return held;
  }

  /** The registered workers by id; a registration that cannot be decoded goes to {@code corrupt}. */
  static Map<String, WorkerInfo> workers(CoordinatorConnection conn, JobLayout layout, BulkReader bulk,
      Map<String, String> corrupt) {
    Map<String, WorkerInfo> workers = new TreeMap<>();
    List<String> ids = conn.children("listing " + layout.workersPath(), layout.workersPath());
    bulk.read("reading the workers of job " + layout.job(), ids.stream().map(layout::workerPath).toList())
        .forEach((path, n) -> {
          try {
            WorkerInfo w = NodeCodec.decode(path, n.data(), WorkerInfo.class);
            workers.put(w.workerId(), w);
          } catch (CorruptNodeException e) {
            corrupt.put("worker:" + path.substring(path.lastIndexOf('/') + 1), e.getMessage());
          }
        });
    return workers;
  }
}

package io.backfillfleet.coordinator.bench;

import io.backfillfleet.coordinator.ClaimOutcome;
import io.backfillfleet.coordinator.CopyProgress;
import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.CursorCheckpoint;
import io.backfillfleet.coordinator.JobProgress;
import io.backfillfleet.coordinator.JobRepository;
import io.backfillfleet.coordinator.JobSpec;
import io.backfillfleet.coordinator.JobSummary;
import io.backfillfleet.coordinator.JobSummaryReader;
import io.backfillfleet.coordinator.PlannedSlice;
import io.backfillfleet.coordinator.SliceBoard;
import io.backfillfleet.coordinator.SliceClaim;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.coordinator.WorkerInfo;
import io.backfillfleet.coordinator.WorkerRegistration;
import io.backfillfleet.coordinator.ZkSettings;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.curator.drivers.AdvancedTracerDriver;
import org.apache.curator.drivers.EventTrace;
import org.apache.curator.drivers.OperationTrace;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;

/**
 * Not a test: the real coordination at the size the fleet exists for, on this machine. An embedded ZooKeeper ensemble
 * of 3 (default settings, so the default 1 MiB packet limit); a job of N slices (default 1,000,000) published; W
 * simulated workers (default 200; threads, each with its own ZooKeeper session, registration, SliceBoard and claims) that
 * claim, checkpoint a few times and complete with a fake copy (no store); {@code status} (the summary) read while they
 * work. Prints publish time, claims per second, ZooKeeper reads and writes per slice, the largest response a client
 * received, a worker's heap, status times, and whether every slice completed exactly once.
 * Run with scripts/bench-coordination.sh [slices] [workers].
 */
public final class CoordinationBenchmark {
  private static final int CHECKPOINTS = 3;
  private static final String TENANT_PREFIX = "tenant-of-a-usual-name-";

  public static void main(String[] args) throws Exception {
    int slices = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    long maxClaims = args.length > 2 ? Long.parseLong(args[2]) : slices; // fewer: a sample of a large job's run
    System.out.printf("coordination benchmark: %,d slices, %d workers, ZooKeeper ensemble of 3 (embedded), %d cores%n",
        slices, workers, Runtime.getRuntime().availableProcessors());
    try (TestingCluster ensemble = ensemble()) {
      ZkSettings settings = ZkSettings.of(ensemble.getConnectString(), "/bench")
          .withSessionTimeout(Duration.ofSeconds(60));
      Ops planner = new Ops();
      long t0 = System.nanoTime();
      try (CoordinatorConnection c = connect(settings, planner)) {
        new JobRepository(c).publish(spec(), plan(slices));
      }
      double publishS = seconds(t0);
      long largestListing;
      try (CoordinatorConnection c = connect(settings, new Ops())) {
        largestListing = largestListing(c);
      }
      System.out.printf("published %,d slices in %.1f s (%,.0f slices/s), %,d multis%n", slices, publishS,
          slices / publishS, planner.writes.sum());

      Ops workerOps = new Ops();
      AtomicIntegerArray completions = new AtomicIntegerArray(slices);
      List<CoordinatorConnection> conns = new ArrayList<>();
      List<SliceBoard> boards = new ArrayList<>();
      List<WorkerRegistration> registrations = new ArrayList<>();
      List<java.util.Set<String>> heldBy = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        CoordinatorConnection c = connect(settings, workerOps);
        conns.add(c);
        boards.add(new SliceBoard(c, "bench").start(Duration.ofSeconds(60)));
        registrations.add(new WorkerRegistration(c, "bench", new WorkerInfo(WorkerInfo.SCHEMA, "worker-" + w,
            "bench", Instant.now(), List.of(), 0)).start(Duration.ofSeconds(60)));
        heldBy.add(java.util.concurrent.ConcurrentHashMap.newKeySet());
      }
      // as FleetWorker does: every 500 ms each worker reports what it holds (written when it changed, else every 10 s)
      java.util.concurrent.ScheduledExecutorService ticker = java.util.concurrent.Executors.newScheduledThreadPool(2);
      ticker.scheduleAtFixedRate(() -> {
        for (int w = 0; w < registrations.size(); w++) {
          WorkerRegistration r = registrations.get(w);
          r.update(r.info().withActivity(List.copyOf(heldBy.get(w)), 0));
        }
      }, 0, 500, TimeUnit.MILLISECONDS);
      long startReads = workerOps.reads.sum();

      AtomicBoolean running = new AtomicBoolean(true);
      ConcurrentLinkedQueue<Double> statusTimes = new ConcurrentLinkedQueue<>();
      Ops statusOps = new Ops();
      Thread status = new Thread(() -> {
        try (CoordinatorConnection c = connect(settings, statusOps)) {
          while (running.get()) {
            long s = System.nanoTime();
            JobSummary summary = new JobSummaryReader(c).read("bench");
            JobProgress p = JobProgress.of(summary, Instant.now(), Duration.ofMinutes(2));
            double took = seconds(s);
            statusTimes.add(took);
            System.out.printf("  status in %.2f s: %,d done, %,d held, %,d pending%n", took, p.done(), p.inProgress(),
                p.pending());
            Thread.sleep(10_000); // an on-call engineer's `status --watch`, slowed down
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          if (running.get()) throw e; // else: stopped in the middle of a read when the workers were done
        }
      }, "status");

      AtomicLong claims = new AtomicLong();
      AtomicLong lostRaces = new AtomicLong();
      CountDownLatch done = new CountDownLatch(workers);
      AtomicLong failures = new AtomicLong();
      long t1 = System.nanoTime();
      status.start();
      for (int w = 0; w < workers; w++) {
        SliceBoard board = boards.get(w);
        java.util.Set<String> held = heldBy.get(w);
        String id = "worker-" + w;
        Thread t = new Thread(() -> {
          try {
            while (true) {
              if (claims.get() >= maxClaims) return;
              ClaimOutcome o = board.claim(id);
              if (o instanceof ClaimOutcome.Claimed claimed) {
                SliceClaim s = claimed.claim();
                held.add(s.sliceId());
                claims.incrementAndGet();
                for (int k = 1; k <= CHECKPOINTS; k++) s.checkpoint(checkpoint("page-" + k, 1_000L * k));
                s.complete(checkpoint("end", 1_000L * (CHECKPOINTS + 1)));
                completions.incrementAndGet(index(s.sliceId()));
                held.remove(s.sliceId());
              } else if (o == ClaimOutcome.NotClaimed.LOST_RACES) {
                lostRaces.incrementAndGet();
              } else if (board.isFinished()) {
                return;
              } else {
                Thread.sleep(200);
              }
            }
          } catch (Exception e) {
            failures.incrementAndGet();
            System.out.println("worker " + id + " failed: " + e);
          } finally {
            done.countDown();
          }
        }, id);
        t.start();
      }
      done.await();
      double workS = seconds(t1);
      running.set(false);
      status.interrupt();
      status.join();

      long once = 0, twice = 0, never = 0;
      boolean whole = maxClaims >= slices;
      for (int i = 0; i < slices; i++) {
        int n = completions.get(i);
        if (n == 1) once++;
        else if (n == 0) never++;
        else twice++;
      }
      long s2 = System.nanoTime();
      JobSummary end;
      try (CoordinatorConnection c = connect(settings, statusOps)) {
        end = new JobSummaryReader(c).read("bench");
      }
      double finalStatus = seconds(s2);
      // what the boards and sessions hold after their claims (with the ensemble idle, so its garbage is collected)
      ticker.shutdownNow();
      long withBoards = usedHeapAfterGc();
      for (WorkerRegistration r : registrations) r.close();
      for (SliceBoard b : boards) b.close();
      for (CoordinatorConnection c : conns) c.close();
      boards.clear();
      conns.clear();
      long perWorkerHeap = (withBoards - usedHeapAfterGc()) / workers;

      double reads = (double) (workerOps.reads.sum() - startReads) / Math.max(1, claims.get());
      double writes = (double) workerOps.writes.sum() / Math.max(1, claims.get());
      double opsPerSlice = reads + writes;
      System.out.println();
      System.out.printf("%-58s %s%n", "measure", "value");
      row("publish, " + String.format("%,d", slices) + " slices", String.format("%.1f s", publishS));
      row("claims per second (" + workers + " workers, " + CHECKPOINTS + " checkpoints each)",
          String.format("%,.0f (%,d claims in %.1f s)", claims.get() / workS, claims.get(), workS));
      row("ZooKeeper reads per slice (worker sessions)", String.format("%.2f", reads));
      row("ZooKeeper writes per slice (claim, checkpoints, completion)", String.format("%.2f", writes));
      row("claim calls that lost every race", String.format("%,d", lostRaces.get()));
      row("ZooKeeper operations per million documents, 100,000-doc slices",
          String.format("%.0f (goal <= 1,000)", opsPerSlice * 10));
      row("ZooKeeper operations per million documents, 10,000-doc slices",
          String.format("%.0f (goal <= 1,000)", opsPerSlice * 100));
      row("largest listing of the job (any folder or bucket)", String.format("%,d bytes (limit 1,048,576)",
          largestListing));
      row("largest node read by a worker", String.format("%,d bytes", workerOps.largestResponse.get()));
      row("a worker's heap (its session and board)", String.format("%,d KiB", perWorkerHeap >> 10));
      row("status while workers ran (median / max)", String.format("%.2f s / %.2f s", median(statusTimes),
          statusTimes.stream().mapToDouble(Double::doubleValue).max().orElse(0)));
      row("status reads per summary", String.format("%,d", statusOps.reads.sum() / Math.max(1, statusTimes.size() + 1)));
      row("status at the end", String.format("%.2f s: %,d done, %,d open", finalStatus, end.done(), end.open()));
      if (whole) {
        row("every slice completed exactly once", once == slices ? "yes" : String.format("NO: %,d once, %,d more"
            + " than once, %,d never", once, twice, never));
      } else {
        row("slices completed (run stopped after " + String.format("%,d", maxClaims) + " claims)",
            String.format("%,d exactly once, %,d more than once; %,d done by the job's tallies", once, twice,
                end.done()));
      }
      row("workers that failed", String.valueOf(failures.get()));
      boolean ok = twice == 0 && failures.get() == 0 && end.done() == once && (!whole || once == slices);
      if (!ok) System.exit(1);
    }
  }

  /** The largest child listing under the job, in bytes as ZooKeeper sends it (4 bytes of length per name). */
  private static long largestListing(CoordinatorConnection c) throws Exception {
    String job = c.layout("bench").jobPath();
    long largest = 0;
    for (String folder : c.curator().getChildren().forPath(job)) {
      List<String> buckets = c.curator().getChildren().forPath(job + "/" + folder);
      largest = Math.max(largest, bytes(buckets));
      for (String b : buckets) {
        largest = Math.max(largest, bytes(c.curator().getChildren().forPath(job + "/" + folder + "/" + b)));
      }
    }
    return largest;
  }

  private static long bytes(List<String> names) {
    return names.stream().mapToLong(n -> n.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 4).sum();
  }

  /**
   * Three members with ZooKeeper's defaults (the 1 MiB packet limit among them) but two: no cap on connections per
   * address (every simulated worker connects from 127.0.0.1; the default 60 would refuse the 61st), and 60 s instead
   * of 10 s for a follower to keep up, as three members here share two cores and one JVM's garbage collector.
   */
  private static TestingCluster ensemble() throws Exception {
    org.apache.zookeeper.util.ServiceUtils.setSystemExitProcedure(org.apache.zookeeper.util.ServiceUtils.LOG_ONLY);
    List<InstanceSpec> specs = new ArrayList<>();
    for (int id = 1; id <= 3; id++) {
      specs.add(new InstanceSpec(null, -1, -1, -1, true, id, 2000, 0, Map.of("syncLimit", "30", "initLimit", "60")));
    }
    TestingCluster cluster = new TestingCluster(specs);
    cluster.start();
    return cluster;
  }

  private static void row(String name, String value) {
    System.out.printf("%-58s %s%n", name, value);
  }

  private static JobSpec spec() {
    return new JobSpec(JobSpec.SCHEMA, "bench", JobSpec.PublishState.PUBLISHING, "bench-plan", 0, 0, 3, null, null,
        null, Instant.now());
  }

  /** Ten slices per tenant, ids as the planner makes them: about 40 characters. */
  private static List<PlannedSlice> plan(int n) {
    List<PlannedSlice> out = new ArrayList<>(n);
    Instant t0 = Instant.parse("2020-01-01T00:00:00Z");
    for (int i = 0; i < n; i++) {
      String tenant = TENANT_PREFIX + (i / 10);
      out.add(new PlannedSlice(tenant + "-" + String.format("%07d", i),
          WorkNode.pending(tenant, t0.plusSeconds(3600L * i), t0.plusSeconds(3600L * (i + 1)), 4_000)));
    }
    return out;
  }

  private static int index(String sliceId) {
    return Integer.parseInt(sliceId.substring(sliceId.lastIndexOf('-') + 1));
  }

  private static CursorCheckpoint checkpoint(String cursor, long read) {
    return new CursorCheckpoint(cursor, new CopyProgress(read, read, 0, 0, 0));
  }

  private static CoordinatorConnection connect(ZkSettings settings, Ops ops) {
    CoordinatorConnection c = new CoordinatorConnection(settings).start();
    c.curator().getZookeeperClient().setTracerDriver(ops);
    return c;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static double median(ConcurrentLinkedQueue<Double> q) {
    List<Double> l = new ArrayList<>(q);
    l.sort(Double::compare);
    return l.isEmpty() ? 0 : l.get(l.size() / 2);
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 5; i++) {
      System.gc();
      TimeUnit.MILLISECONDS.sleep(200); // let the collector finish before reading the pool (a measurement, not a test)
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Counts the ZooKeeper requests of the sessions it is installed on, as Curator traces them: reads (getData,
   * getChildren, exists), writes (create, setData, delete, multi: one request each), and the largest response.
   */
  static final class Ops extends AdvancedTracerDriver {
    final LongAdder reads = new LongAdder();
    final LongAdder writes = new LongAdder();
    final AtomicLong largestResponse = new AtomicLong();

    @Override
    public void addTrace(OperationTrace trace) {
      String name = trace.getName();
      if (name.contains("GetData") || name.contains("GetChildren") || name.contains("Exists")) reads.increment();
      else if (name.contains("Create") || name.contains("SetData") || name.contains("Delete")
          || name.contains("Transaction")) writes.increment();
      largestResponse.accumulateAndGet(trace.getResponseBytesLength(), Math::max);
    }

    @Override
    public void addEvent(EventTrace trace) {}
  }
}

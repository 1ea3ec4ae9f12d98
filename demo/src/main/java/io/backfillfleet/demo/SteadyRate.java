package io.backfillfleet.demo;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobSummary;
import io.backfillfleet.coordinator.JobSummaryReader;
import io.backfillfleet.coordinator.ZkSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A fleet's steady-state rate, so that JVM start-up (on a shared core) and the tail of the last slices do not count.
 * While the workers run, the job's counters are read in this JVM every 0.5 s, as 'backfill status' reads them
 * ({@link JobSummaryReader}): the live workers registered under the job's workers/ node, and the documents read
 * (finished slices plus what the held ones checkpointed). The window opens at the first sample where all N worker
 * processes are registered and some documents are counted, and closes at the first sample where 90 % of the documents
 * are counted; the rate is the documents counted in the window over its length. A window of fewer than 3 samples
 * gives no rate (a noisy number would be worse). A sample that could not be read is left out, never guessed.
 */
final class SteadyRate implements AutoCloseable {
  static final long PERIOD_MS = 500;
  static final int MIN_SAMPLES = 3;

  record Sample(long nanos, int workers, long docs) {}

  /** The steady rate in docs/s, or NaN (with why) when the window was too short or never opened. */
  record Result(double docsPerSecond, int samplesInWindow, String why) {
    boolean known() {
      return !Double.isNaN(docsPerSecond);
    }
  }

  private final CoordinatorConnection conn;
  private final ScheduledExecutorService timer;
  private final List<Sample> samples = new ArrayList<>();
  private final int workers;
  private final long docs;
  private int unreadable;

  private SteadyRate(CoordinatorConnection conn, String job, int workers, long docs) {
    this.conn = conn;
    this.workers = workers;
    this.docs = docs;
    JobSummaryReader reader = new JobSummaryReader(conn);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "steady-rate-" + job);
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(() -> {
      try {
        JobSummary s = reader.read(job);
        add(new Sample(System.nanoTime(), s.workers().size(), s.progress().docsRead()));
      } catch (RuntimeException e) {
        synchronized (this) {
          unreadable++;
        }
      }
    }, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  /** Starts sampling job {@code job} (root /backfill) of the bench's ZooKeeper; {@link #stop()} ends it. */
  static SteadyRate start(String zkConnect, String job, int workers, long docs) {
    return new SteadyRate(new CoordinatorConnection(ZkSettings.of(zkConnect, "/backfill")).start(), job, workers, docs);
  }

  private synchronized void add(Sample s) {
    samples.add(s);
  }

  /** Stops sampling and computes the rate of the window. */
  Result stop() throws InterruptedException {
    timer.shutdown();
    timer.awaitTermination(30, TimeUnit.SECONDS);
    synchronized (this) {
      Result r = of(samples, workers, docs);
      return unreadable == 0 ? r : new Result(r.docsPerSecond(), r.samplesInWindow(), r.why() + ", " + unreadable
          + " samples unreadable");
    }
  }

  static Result of(List<Sample> samples, int workers, long docs) {
    int start = -1;
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      if (start < 0 && s.workers() >= workers && s.docs() > 0) start = i;
      if (start >= 0 && s.docs() >= 0.9 * docs) {
        int n = i - start + 1;
        Sample a = samples.get(start);
        if (n < MIN_SAMPLES) return new Result(Double.NaN, n, n + " samples in the window");
        return new Result((s.docs() - a.docs()) / ((s.nanos() - a.nanos()) / 1e9), n, n + " samples in the window");
      }
    }
    return new Result(Double.NaN, 0, start < 0 ? "never all " + workers + " workers registered with documents counted"
        : "90 % of the documents never counted while sampling");
  }

  @Override
  public void close() throws InterruptedException {
    try {
      timer.shutdownNow();
      timer.awaitTermination(30, TimeUnit.SECONDS);
    } finally {
      conn.close();
    }
  }
}

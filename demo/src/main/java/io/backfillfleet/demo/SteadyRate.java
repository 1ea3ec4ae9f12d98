package io.backfillfleet.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A fleet's steady-state rate, so that JVM start-up (on a shared core) and the tail of the last slices do not count.
 * While the workers run, each one's {@code /metrics} is read every 0.5 s (all at once) and its documents written
 * ({@code backfill_docs_copied_total}) are summed: exact and live, where the job's counters in ZooKeeper move only at
 * checkpoints. The window opens at the first sample where every worker answers (its JVM has started and it copies)
 * and closes at the first sample where 90 % of the documents are written; the rate is the documents written in the
 * window over its length. A window of fewer than 3 samples gives no rate (a noisy number would be worse). With the
 * cores pinned, it also says how busy the tool and cluster cores were in the window: what bounded the row.
 */
final class SteadyRate implements AutoCloseable {
  static final long PERIOD_MS = 500;
  static final int MIN_SAMPLES = 3;
  private static final String COUNTER = "backfill_docs_copied_total";

  /**
   * One reading of every worker: documents written, and the slices they copied and were allowed at that moment
   * (summed; -1 where no worker said), which tell a fleet held back by its adaptive limit from one held by the clusters.
   */
  record Sample(long nanos, int workers, long docs, long copying, long limit, CoreBusy.Reading cores) {
    Sample(long nanos, int workers, long docs, long copying, long limit) {
      this(nanos, workers, docs, copying, limit, CoreBusy.Reading.NONE);
    }

    Sample(long nanos, int workers, long docs) {
      this(nanos, workers, docs, -1, -1);
    }
  }

  /** The steady rate in docs/s, or NaN (with why) when the window was too short or never opened. */
  record Result(double docsPerSecond, int samplesInWindow, String why) {
    boolean known() {
      return !Double.isNaN(docsPerSecond);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1))
      .version(HttpClient.Version.HTTP_1_1).build();
  private final ScheduledExecutorService timer;
  private final List<Sample> samples = new ArrayList<>();
  private final List<Integer> ports;
  private final long docs;
  private final long[] last; // each worker's last answer, -1 before its first
  private final String[] lastMetrics; // each worker's last /metrics, null before its first
  private final CoreBusy cores = CoreBusy.ofPinning();

  private SteadyRate(List<Integer> ports, long docs) {
    this.ports = ports;
    this.docs = docs;
    this.last = new long[ports.size()];
    this.lastMetrics = new String[ports.size()];
    java.util.Arrays.fill(last, -1);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "steady-rate");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(this::sample, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  /** Samples the workers serving their metrics on these ports; {@link #stop()} ends it. */
  static SteadyRate start(List<Integer> ports, long docs) {
    return new SteadyRate(ports, docs);
  }

  /**
   * One sample: every worker asked at once; a worker that answered once counts as running from then on, with its
   * last answer (on a saturated tool core an answer can take a second; a late one must not close the window).
   */
  private void sample() {
    List<java.util.concurrent.CompletableFuture<String>> asked = new ArrayList<>();
    for (int port : ports) {
      asked.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
              .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString())
          .thenApply(r -> r.statusCode() == 200 ? r.body() : null)
          .exceptionally(e -> null)); // not started yet, or already exited
    }
    long now = System.nanoTime();
    CoreBusy.Reading busy = cores.read();
    synchronized (this) {
      for (int i = 0; i < asked.size(); i++) {
        String body = asked.get(i).join();
        long v = body == null ? -1 : written(body);
        if (v >= 0) {
          last[i] = v;
          lastMetrics[i] = body;
        }
      }
      int answered = 0;
      long sum = 0;
      long copying = 0;
      long limit = 0;
      for (int i = 0; i < last.length; i++) {
        if (last[i] >= 0) {
          answered++;
          sum += last[i];
          copying += Math.max(0, sample(lastMetrics[i], "backfill_slices_copying"));
          limit += Math.max(0, sample(lastMetrics[i], "backfill_slices_limit"));
        }
      }
      samples.add(new Sample(now, answered, sum, copying, limit, busy));
    }
  }

  static long written(String metrics) {
    return sample(metrics, COUNTER);
  }

  /**
   * The sum of the sample lines of {@code name} (with or without labels; not its "# HELP"/"# TYPE" lines), or -1
   * if it has none.
   */
  static long sample(String metrics, String name) {
    long sum = -1;
    for (String line : metrics.split("\n")) {
      if (!line.startsWith(name) || line.length() == name.length()) continue;
      char next = line.charAt(name.length());
      if (next != ' ' && next != '{') continue;
      sum = Math.max(sum, 0) + (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
    return sum;
  }

  /**
   * Which way the resurrection guard vouched for the written documents, summed over the workers' last samples
   * (the last pages of each worker may be missing): by a key-range count, by an id count, or looked up id by id.
   */
  synchronized String guardPaths() {
    long ranged = 0;
    long counted = 0;
    long lookedUp = 0;
    long rangeCounts = 0;
    for (String m : lastMetrics) {
      if (m == null) continue;
      rangeCounts += Math.max(0, sample(m, "backfill_recheck_range_counts_total"));
      ranged += Math.max(0, sample(m, "backfill_recheck_ranged_total"));
      counted += Math.max(0, sample(m, "backfill_recheck_counted_total"));
      lookedUp += Math.max(0, sample(m, "backfill_recheck_looked_up_total"));
    }
    long all = counted + lookedUp;
    if (all == 0) return "re-check: nothing sampled";
    return String.format(java.util.Locale.ROOT, "re-check of %d documents (last samples): %.0f %% by key-range count,"
        + " %.0f %% by id count, %.0f %% looked up; %d key-range counts", all, 100.0 * ranged / all,
        100.0 * (counted - ranged) / all, 100.0 * lookedUp / all, rangeCounts);
  }

  /** Stops sampling and computes the rate of the window. */
  Result stop() throws InterruptedException {
    timer.shutdown();
    timer.awaitTermination(30, TimeUnit.SECONDS);
    synchronized (this) {
      return of(samples, ports.size(), docs);
    }
  }

  static Result of(List<Sample> samples, int workers, long docs) {
    int start = -1;
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      if (start < 0 && s.workers() >= workers) start = i;
      if (start >= 0 && s.docs() >= 0.9 * docs) {
        int n = i - start + 1;
        Sample a = samples.get(start);
        if (n < MIN_SAMPLES) return new Result(Double.NaN, n, n + " samples in the window");
        return new Result((s.docs() - a.docs()) / ((s.nanos() - a.nanos()) / 1e9), n, n + " samples in the window, "
            + String.format(java.util.Locale.ROOT, "%.0f %%", 100.0 * a.docs() / docs) + " written before it"
            + inFlight(samples.subList(start, i + 1)) + s.cores().busySince(a.cores()));
      }
    }
    return new Result(Double.NaN, 0, start < 0 ? "never all " + workers + " workers answering"
        : "90 % of the documents never counted while sampling");
  }

  /** The mean slices copied and allowed over the window's samples, where the workers said. */
  static String inFlight(List<Sample> window) {
    double copying = 0;
    double limit = 0;
    int n = 0;
    for (Sample s : window) {
      if (s.limit() <= 0) continue;
      copying += s.copying();
      limit += s.limit();
      n++;
    }
    return n == 0 ? "" : String.format(java.util.Locale.ROOT, "; slices in flight %.1f of %.1f allowed (mean)",
        copying / n, limit / n);
  }

  @Override
  public void close() throws InterruptedException {
    timer.shutdownNow();
    timer.awaitTermination(30, TimeUnit.SECONDS);
  }
}

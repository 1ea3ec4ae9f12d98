package io.backfillfleet.demo;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.JobSummary;
import io.backfillfleet.coordinator.JobSummaryReader;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.coordinator.ZkSettings;
import io.backfillfleet.testkit.ZooKeeperServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * Not a test: the tail of a skewed job with and without splitting running slices (issue 18). One tenant's month is
 * planned into 8 slices; then the first slice's window gets 9 times its estimate of late documents, so the plan is
 * wrong the way late data makes it wrong. The same job is copied twice into fresh target collections by 4 worker
 * processes ({@code --concurrency 1}), once with {@code --split auto} and once with {@code --split off}, under a fleet
 * budget ({@code --docs-per-second}, default 2,000): on this machine's two cores the workers share one core, so
 * without a budget one worker alone is as fast as four and no tail would show; the budget stands in for a fleet
 * whose workers each have their own core. Printed per mode: the wall time (workers started to every slice done), the
 * fleet's rate while every worker copied (the workers' own counters, from 3 s in to the first idle worker), the
 * ideal time (documents / that rate), the tail (first idle worker to the end) and the slices at the end.
 */
public final class SplitTailBenchmark {
  private static final int WORKERS = 4;
  private static final int PLANNED_SLICES = 8;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private SplitTailBenchmark() {}

  public static void main(String[] args) throws Exception {
    long budget = 2000;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--docs-per-second") && i + 1 < args.length) budget = Long.parseLong(args[++i]);
      else rest.add(args[i]);
    }
    RunOptions options = RunOptions.parse(rest.toArray(String[]::new), 40_000,
        "scripts/bench-split.sh [--engine solr|elasticsearch|opensearch] [--docs N] [--docs-per-second N]");
    Path jar = Paths.get(System.getProperty("backfill.jar", "cli/target/backfill.jar")).toAbsolutePath();
    Path dir = Files.createTempDirectory("backfill-bench-split-");
    BackfillJar backfill = new BackfillJar(jar, dir);
    try (Closers closers = new Closers("bench")) {
      ZooKeeperServerEmbedded zk = ZooKeeperServers.embedded(dir.resolve("zk"), 0);
      closers.add(zk);
      ClusterPair clusters = ClusterPair.start(options.engine(), dir, closers);
      List<Cluster.HistoryDoc> history = SplitFaults.oneTenant(options.docs());
      clusters.seedLegacy(history);
      List<String> modes = List.of("auto", "off");
      List<Path> jobFiles = new ArrayList<>();
      for (String mode : modes) {
        String collection = "tail_" + mode;
        clusters.fresh().createCollection(collection);
        Path jobFile = dir.resolve("tail-" + mode + ".yaml");
        Files.writeString(jobFile, "job: tail-" + mode + "\n"
            + "zookeeper: {connect: \"" + zk.getConnectionString() + "\", root: /backfill}\n"
            + "source: " + clusters.legacy().storeYaml() + "\n"
            + "target: " + clusters.fresh().storeYaml(collection) + "\n"
            + "plan: {docsPerSlice: " + options.docs() / PLANNED_SLICES + "}\n");
        BackfillJar.Result apply = backfill.run("plan", "--job-file", jobFile.toString(), "--apply", "--quiet");
        if (apply.code() != 0) throw new IllegalStateException("plan --apply failed: " + apply.err());
        backfill.run("throttle", "--job-file", jobFile.toString(), "--docs-per-second", Long.toString(budget));
        jobFiles.add(jobFile);
      }
      long total;
      try (CoordinatorConnection conn = connect(zk)) {
        WorkNode first = new JobStatusReader(conn).read("tail-auto").slices().values().stream()
            .filter(w -> !w.missingTimestamp()).min(Comparator.comparing(WorkNode::from)).orElseThrow();
        List<Cluster.HistoryDoc> late = late(first, (int) (9 * first.estimatedDocs()));
        clusters.legacy().seed(late);
        total = history.size() + late.size();
        System.out.printf(Locale.ROOT, "%n%s, %,d documents planned into %d slices, then %,d late documents in the"
            + " first slice's window; %d worker processes, fleet budget %,d docs/s%n", options.engine(), history.size(),
            PLANNED_SLICES, late.size(), WORKERS, budget);
        System.out.printf(Locale.ROOT, "%-6s %8s %12s %8s %8s %8s %8s%n", "split", "wall s", "fleet docs/s", "ideal s",
            "wall/id", "tail s", "slices");
        for (int m = 0; m < modes.size(); m++) {
          Row r = copy(backfill, conn, jobFiles.get(m), "tail-" + modes.get(m), modes.get(m), total);
          System.out.printf(Locale.ROOT, "%-6s %8.1f %12.0f %8.1f %8.2f %8.1f %8d%n", modes.get(m), r.wall, r.rate,
              total / r.rate, r.wall / (total / r.rate), r.tail, r.slices);
        }
      }
      System.out.println("(wall: workers started to every slice done; tail: first idle worker to the end)");
    }
  }

  private record Row(double wall, double rate, double tail, int slices) {}

  private static Row copy(BackfillJar backfill, CoordinatorConnection conn, Path jobFile, String job, String mode,
      long total) throws Exception {
    List<Process> workers = new ArrayList<>();
    List<Integer> ports = CopyBenchmark.freePorts(WORKERS);
    long start = System.nanoTime();
    try {
      for (int i = 0; i < WORKERS; i++) {
        int port = ports.get(i);
        workers.add(backfill.startWorker(jobFile, job + "-" + i, "--concurrency", "1", "--split", mode,
            "--settle-seconds", "2", "--checkpoint-seconds", "2", "--page-size", "500", "--metrics-port",
            Integer.toString(port)));
      }
      double fromAt = -1;
      double firstIdle = -1;
      double end = -1;
      long fromDocs = 0;
      double rate = Double.NaN;
      String idlePath = conn.layout(job).idlePath();
      while (end < 0) {
        Thread.sleep(250); // the sampling period
        double t = (System.nanoTime() - start) / 1e9;
        JobSummary s = new JobSummaryReader(conn).read(job);
        if (s.done() + s.failed() == s.slices()) end = t;
        long docs = docsRead(ports);
        if (fromAt < 0 && t >= 3 && docs > 0) {
          fromAt = t;
          fromDocs = docs;
        }
        Stat idle = conn.curator().checkExists().forPath(idlePath);
        if (fromAt >= 0 && firstIdle < 0 && idle != null && idle.getNumChildren() > 0 && t > fromAt + 1) {
          firstIdle = t;
          rate = (docs - fromDocs) / (t - fromAt);
        }
        if (t > 1800) throw new IllegalStateException(job + " did not finish in 30 minutes");
      }
      for (Process p : workers) p.waitFor(60, TimeUnit.SECONDS);
      int slices = new JobSummaryReader(conn).read(job).slices();
      return new Row(end, rate, firstIdle < 0 ? Double.NaN : end - firstIdle, slices);
    } finally {
      workers.forEach(Process::destroyForcibly);
    }
  }

  /** The sum of the workers' {@code backfill_docs_read_total}; a worker not answering counts 0. */
  private static long docsRead(List<Integer> ports) {
    long sum = 0;
    for (int port : ports) {
      try {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
        sum += Math.max(0, SteadyRate.sample(body, "backfill_docs_read_total"));
      } catch (Exception e) {
        // not started yet, or exited
      }
    }
    return sum;
  }

  private static List<Cluster.HistoryDoc> late(WorkNode slice, int n) {
    Random r = new Random(41);
    long span = slice.to().toEpochMilli() - slice.from().toEpochMilli();
    List<Cluster.HistoryDoc> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Cluster.HistoryDoc("late-" + i, slice.tenant(), slice.from().plusMillis((long) (r.nextDouble() * span)),
          "history", i % 1000));
    }
    return out;
  }

  private static CoordinatorConnection connect(ZooKeeperServerEmbedded zk) throws Exception {
    return new CoordinatorConnection(ZkSettings.of(zk.getConnectionString(), "/backfill")).start();
  }
}

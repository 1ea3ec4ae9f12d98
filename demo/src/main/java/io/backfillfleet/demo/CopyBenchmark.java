package io.backfillfleet.demo;

import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.Stores;
import io.backfillfleet.store.TenantSpan;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import io.backfillfleet.testkit.ZooKeeperServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * Not a test: on one machine, in one run, on the same skewed data (20 tenants), measures the store's read-only
 * rate, its create-only write rate, and the backfill's rate with 1, 2 and 4 worker processes, with the ratio to
 * the serial limit 1/(1/read + 1/write) and the ZooKeeper operations per million documents copied.
 */
public final class CopyBenchmark {
  public static void main(String[] args) throws Exception {
    RunOptions options = RunOptions.parse(args, 500_000, "scripts/bench-copy.sh [--engine solr|elasticsearch|opensearch] [--docs N]");
    String engine = options.engine();
    int docs = options.docs();
    Path jar = Paths.get(System.getProperty("backfill.jar", "cli/target/backfill.jar")).toAbsolutePath();
    Path dir = Files.createTempDirectory("backfill-bench-");
    BackfillJar backfill = new BackfillJar(jar, dir);
    try (Closers closers = new Closers("bench")) {
      ZooKeeperServerEmbedded zk = ZooKeeperServers.embedded(dir.resolve("zk"), 0);
      closers.add(zk);
      ClusterPair clusters = ClusterPair.start(engine, dir, closers);
      Cluster legacy = clusters.legacy();
      Cluster fresh = clusters.fresh();
      clusters.seedLegacy(FaultSuite.history(docs));

      double[] rw = readAndWriteRates(legacy, fresh, docs);
      double read = rw[0];
      double write = rw[1];
      double serial = 1 / (1 / read + 1 / write);

      System.out.printf(Locale.ROOT, "%n%-34s %12s %10s %16s%n", engine + ", " + docs + " docs, 20 tenants", "docs/s",
          "/ serial", "ZK ops / 1M docs");
      System.out.printf(Locale.ROOT, "%-34s %12.0f%n", "store read-only (1 reader)", read);
      System.out.printf(Locale.ROOT, "%-34s %12.0f%n", "store create-only write (1 writer)", write);
      System.out.printf(Locale.ROOT, "%-34s %12.0f %10.2f%n", "serial limit 1/(1/read+1/write)", serial, 1.0);
      for (int workers : new int[] {1, 2, 4}) {
        long packets0 = ZooKeeperServers.mntr(zk.getConnectionString(), "zk_packets_received");
        double copy = fleetRate(backfill, zk.getConnectionString(), legacy, fresh, "copy" + workers, docs, workers, dir);
        long packets = ZooKeeperServers.mntr(zk.getConnectionString(), "zk_packets_received") - packets0;
        System.out.printf(Locale.ROOT, "%-34s %12.0f %10.2f %16.0f%n", "backfill, " + workers + " worker process"
            + (workers > 1 ? "es" : ""), copy, copy / serial, packets * 1e6 / docs);
      }
      System.out.println("(backfill rates include each worker JVM's start-up and the final settle delay of 1 s)");
    }
    System.exit(0);
  }

  /**
   * {read-only, create-only write} rates in docs/s: every tenant's whole history read page by page as the workers
   * read it, then the same documents written create-only into an empty collection of the target.
   */
  static double[] readAndWriteRates(Cluster legacy, Cluster fresh, int docs) {
    List<Doc> all = new ArrayList<>(docs);
    long t = System.nanoTime();
    try (SearchStore src = Stores.open("source", legacy.storeConfig())) {
      for (TenantSpan span : src.tenants()) {
        for (TimeWindow w : List.of(TimeWindow.of(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z")),
            TimeWindow.withoutTimestamp())) {
          try (WindowReader r = src.reader(span.tenant(), w, Cursor.START)) {
            for (Page p = r.readPage(1000); ; p = r.readPage(1000)) {
              all.addAll(p.docs());
              if (p.last()) break;
            }
          }
        }
      }
    }
    double read = rate(all.size(), t);
    if (all.size() != docs) throw new IllegalStateException("read " + all.size() + " of " + docs);
    fresh.createCollection("scratch");
    t = System.nanoTime();
    try (SearchStore dst = Stores.open("target", fresh.storeConfig("scratch"))) {
      for (int i = 0; i < all.size(); i += 1000) dst.createIfAbsent(all.subList(i, Math.min(all.size(), i + 1000)));
    }
    return new double[] {read, rate(all.size(), t)};
  }

  /** The backfill's rate with {@code workers} worker processes of the jar, into a new collection {@code coll}. */
  static double fleetRate(BackfillJar backfill, String zkConnect, Cluster legacy, Cluster fresh, String coll, int docs,
      int workers, Path dir, String... workerArgs) throws Exception {
    fresh.createCollection(coll);
    Path jobFile = planJob(backfill, zkConnect, legacy, fresh, coll, docs, dir);
    long t0 = System.nanoTime();
    List<Process> ps = startWorkers(backfill, jobFile, coll, workers, List.of(), workerArgs);
    awaitWorkers(ps);
    return rate(docs, t0);
  }

  /** Writes the job file of a copy into {@code coll} (which exists) and plans it with the jar; its job is bench-COLL. */
  static Path planJob(BackfillJar backfill, String zkConnect, Cluster legacy, Cluster fresh, String coll, int docs,
      Path dir) throws Exception {
    Path jobFile = dir.resolve("job-" + coll + ".yaml");
    Files.writeString(jobFile, "job: bench-" + coll + "\n"
        + "zookeeper: {connect: \"" + zkConnect + "\", root: /backfill}\n"
        + "source: " + legacy.storeYaml() + "\n"
        + "target: " + fresh.storeYaml(coll) + "\n"
        // slices of at least 5,000 documents: each slice has a fixed cost (claim, point-in-time, the settle delay)
        + "plan: {docsPerSlice: " + Math.max(5000, docs / 100) + "}\n");
    BackfillJar.Result apply = backfill.run("plan", "--job-file", jobFile.toString(), "--apply", "--quiet");
    if (apply.code() != 0) throw new IllegalStateException(apply.err());
    return jobFile;
  }

  /** Starts {@code workers} worker processes of a planned job with these JVM options and worker arguments. */
  static List<Process> startWorkers(BackfillJar backfill, Path jobFile, String coll, int workers,
      List<String> jvmOptions, String... workerArgs) throws Exception {
    return startWorkers(backfill, jobFile, coll, workers, jvmOptions, List.of(), workerArgs);
  }

  /** The same, worker i serving its metrics on {@code metricsPorts.get(i)} when given. */
  static List<Process> startWorkers(BackfillJar backfill, Path jobFile, String coll, int workers,
      List<String> jvmOptions, List<Integer> metricsPorts, String... workerArgs) throws Exception {
    List<Process> ps = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      List<String> args = new ArrayList<>(List.of("--settle-seconds", "1"));
      if (w < metricsPorts.size()) args.addAll(List.of("--metrics-port", String.valueOf(metricsPorts.get(w))));
      args.addAll(List.of(workerArgs)); // none: the worker's defaults for the source engine
      ps.add(backfill.startWorker(jobFile, coll + "-" + w, jvmOptions, args.toArray(String[]::new)));
    }
    return ps;
  }

  static void awaitWorkers(List<Process> ps) throws InterruptedException {
    for (Process p : ps) {
      if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) throw new IllegalStateException("a worker failed");
    }
  }

  /** {@code n} ports free right now on the loopback interface. */
  static List<Integer> freePorts(int n) throws java.io.IOException {
    List<java.net.ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) held.add(new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()));
      return held.stream().map(java.net.ServerSocket::getLocalPort).toList();
    } finally {
      for (java.net.ServerSocket s : held) s.close();
    }
  }

  static double rate(long n, long t0) {
    return n / ((System.nanoTime() - t0) / 1e9);
  }
}

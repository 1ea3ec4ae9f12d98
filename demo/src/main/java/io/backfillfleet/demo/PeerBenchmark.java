package io.backfillfleet.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.Stores;
import io.backfillfleet.testkit.ElasticsearchNode;
import io.backfillfleet.testkit.LegacySolr8Cluster;
import io.backfillfleet.testkit.SolrTestCluster;
import io.backfillfleet.testkit.ZooKeeperServers;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * Not a test: the worker fleet against the tools a team would otherwise use, on one machine, in one run, on the same
 * data (20 skewed tenants), each copy into a fresh index or collection and counted afterwards. Prints per tool its
 * docs/s, the ratio to our best fleet rate, and the CPU seconds the copy cost the source and the target cluster per
 * million documents (read from /proc, {@link ProcCpu}); the fleet at 1, 2, 4 and 8 workers with its steady-state rate
 * ({@link SteadyRate}), and once more without the resurrection guard's re-checks (the guard's share of the source's
 * CPU). Pinned by scripts/bench-peers.sh ({@link ToolCores}): the clusters keep their cores, the copy tools run on the
 * others, as in a deployment. Peers run with their usual settings (1000 documents per batch, create-only where they
 * can be); nobody is tuned down.
 */
public final class PeerBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final BackfillJar backfill;
  private final Path dir;
  private final String zk;
  private final int docs;
  private final boolean tune;
  private final boolean guardRow;
  private final int[] fleetWorkers;
  private final List<String> table = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  static final String USAGE = "usage: scripts/bench-peers.sh [--docs N] [--pairs es7,es8,solr8,os2] [--pin|--no-pin]"
      + " [--tune] [--no-guard-row] [--workers 1,2,4,8]";
  static final int[] FLEET_WORKERS = {1, 2, 4, 8};
  /** Benchmark-only worker switch: the worker skips the resurrection guard's re-checks (and says so loudly). */
  static final String GUARD_OFF = "-Dbackfill.bench.guard=off";

  private PeerBenchmark(BackfillJar backfill, Path dir, String zk, int docs, boolean tune, boolean guardRow,
      int[] fleetWorkers) {
    this.backfill = backfill;
    this.dir = dir;
    this.zk = zk;
    this.docs = docs;
    this.tune = tune;
    this.guardRow = guardRow;
    this.fleetWorkers = fleetWorkers;
  }

  public static void main(String[] args) throws Exception {
    int docs = 200_000;
    List<String> pairs = List.of("es7", "es8", "solr8", "os2");
    boolean tune = false;
    boolean guardRow = true;
    int[] workers = FLEET_WORKERS;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--docs" -> docs = Integer.parseInt(value(args, ++i));
          case "--pairs" -> pairs = List.of(value(args, ++i).split(","));
          case "--tune" -> tune = true;
          case "--no-guard-row" -> guardRow = false;
          case "--workers" -> workers = java.util.Arrays.stream(value(args, ++i).split(",")).mapToInt(Integer::parseInt)
              .sorted().toArray();
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
      if (docs <= 0) throw new IllegalArgumentException("--docs must be positive");
      if (workers.length == 0 || workers[0] < 1) throw new IllegalArgumentException("--workers must be positive");
      for (String p : pairs) {
        if (!List.of("es7", "es8", "solr8", "os2").contains(p)) throw new IllegalArgumentException("unknown pair " + p);
      }
    } catch (IllegalArgumentException e) { // NumberFormatException too
      System.err.println(e.getMessage() + "; " + USAGE);
      System.exit(2);
    }
    System.out.println("PEERS " + ToolCores.describe() + " (this JVM's cores: " + affinity() + ")");
    Path jar = Paths.get(System.getProperty("backfill.jar", "cli/target/backfill.jar")).toAbsolutePath();
    Path dir = Files.createTempDirectory("backfill-peers-");
    try (Closers closers = new Closers("peers")) {
      ZooKeeperServerEmbedded zk = ZooKeeperServers.embedded(dir.resolve("zk"), 0);
      closers.add(zk);
      run(closers, dir, jar, zk.getConnectionString(), docs, pairs, tune, guardRow, workers);
    } catch (Throwable e) {
      // the servers' threads would keep this JVM alive after main ends: report and leave
      System.err.println("PEERS failed: " + e);
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void run(Closers closers, Path dir, Path jar, String zk, int docs, List<String> pairs, boolean tune,
      boolean guardRow, int[] workers) throws Exception {
    PeerBenchmark b = new PeerBenchmark(new BackfillJar(jar, dir), dir, zk, docs, tune, guardRow, workers);
    b.table.add("| pair | tool | docs/s | steady docs/s | ratio | source CPU s / 1M docs | target CPU s / 1M docs"
        + " | fleet best cluster CPU / tool's | tool CPU s / 1M docs |");
    b.table.add("|---|---|---|---|---|---|---|---|---|");
    if (pairs.contains("es7")) b.elasticsearch7(closers);
    if (pairs.contains("es8")) b.elasticsearch8(closers);
    if (pairs.contains("solr8")) b.solr8();
    if (pairs.contains("os2")) b.openSearch2(closers);
    System.out.println("\nPEERS " + docs + " documents, 20 tenants, " + ToolCores.describe() + ":");
    b.table.forEach(System.out::println);
    System.out.println("ratio: fleet rows, docs/s / best fleet docs/s; peer rows, best fleet docs/s / the tool's."
        + " Cluster CPU = source + target; fleet best = the guarded fleet row in default settings ('again' rows"
        + " included) with the least cluster CPU per 1M docs.");
    b.notes.forEach(System.out::println);
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) throw new IllegalArgumentException(args[i - 1] + " needs a value");
    return args[i];
  }

  private static String affinity() {
    try {
      return Files.readAllLines(Paths.get("/proc/self/status")).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  /** CPU seconds used so far by the source, the target, and the tool processes this JVM started and reaped. */
  record Cpu(double source, double target, double tools) {
    Cpu minus(Cpu o) {
      return new Cpu(source - o.source, target - o.target, tools - o.tools);
    }
  }

  /**
   * WARM_UP: one fleet copy before the measured rows, not in the table: the clusters' JIT made the first measured
   * row pay for it (ES 8, 200,000 documents: 106 s of source CPU per 1M documents in the first row, 27 in the
   * fifth). UNCAPPED (a Solr target): the most workers with the target's default cap on slices in flight lifted (a
   * job-wide cap of every worker's {@code --concurrency}; its 'throttle' JVM counts in that row's tool CPU), to show
   * what the default does. GUARD_ON_AGAIN and GUARD_OFF: the guard's share, run on, off, off, on, so that clusters
   * still warming up favour neither.
   */
  enum Kind { WARM_UP, FLEET, UNCAPPED, GUARD_ON_AGAIN, GUARD_OFF, PEER }

  /** The worker's default slices in flight ({@code WorkerSettings}), for the UNCAPPED row's job-wide cap. */
  static final int WORKER_CONCURRENCY = 8;

  /** One copy: end-to-end docs/s, the fleet's steady rate (null for peers), and what it cost in CPU seconds. */
  record Row(Kind kind, String tool, int workers, double rate, SteadyRate.Result steady, Cpu cpu) {}

  /**
   * One pair's rows: our fleet at 1, 2, 4 and 8 workers (and once without the guard), then each peer, each with the
   * ratio of our best to it and the CPU each copy cost the clusters.
   */
  private final class Pair {
    final String name;
    final String slug; // for index and collection names
    final double serial;
    final ProcCpu.Meter source;
    final ProcCpu.Meter target;
    final ProcCpu.Meter tools = ProcCpu.reapedChildren("tool processes");
    final List<Row> rows = new ArrayList<>();
    int[][] tuneRows = {}; // {page size, slices in flight} rows with --tune

    Pair(String name, Cluster legacy, Cluster fresh, ProcCpu.Meter source, ProcCpu.Meter target) {
      this.name = name;
      this.slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
      this.source = source;
      this.target = target;
      double[] rw = CopyBenchmark.readAndWriteRates(legacy, fresh, docs);
      this.serial = 1 / (1 / rw[0] + 1 / rw[1]);
      System.out.printf(Locale.ROOT, "%s: store read %.0f docs/s, create-only write %.0f docs/s, serial limit %.0f%n",
          name, rw[0], rw[1], serial);
      System.out.println(name + ": source CPU = " + source.label() + "; target CPU = " + target.label());
    }

    /** A peer's copy, as one row. */
    interface PeerCopy {
      void run() throws Exception;
    }

    /** CPU seconds so far; read right before and after each copy (collections are created before, counted after). */
    Cpu cpu() {
      return new Cpu(source.read(), target.read(), tools.read());
    }

    void fleet(Cluster legacy, Cluster fresh) throws Exception {
      fleet(legacy, fresh, null);
    }

    /**
     * The fleet's rows; with {@code peer}, a peer's copy runs right after the warm-up too, and again after the fleet
     * rows (by the caller): the clusters keep warming through a run (Solr 9's CPU per document fell by half from the
     * first fleet row to the last in one run), so a peer measured only at the end had the warmest clusters.
     */
    void fleet(Cluster legacy, Cluster fresh, PeerCopy peer) throws Exception {
      fleetRun(legacy, fresh, fleetWorkers[0], Kind.WARM_UP);
      if (peer != null) peer.run();
      tune(legacy, fresh);
      for (int workers : fleetWorkers) fleetRun(legacy, fresh, workers, Kind.FLEET);
      if (fresh.storeConfig().engine().equals("solr")) { // the only target with a default cap
        fleetRun(legacy, fresh, fleetWorkers[fleetWorkers.length - 1], Kind.UNCAPPED);
      }
      if (guardRow) {
        int at = bestFleet(Comparator.comparingDouble(Row::rate)).workers();
        for (Kind k : List.of(Kind.GUARD_ON_AGAIN, Kind.GUARD_OFF, Kind.GUARD_OFF, Kind.GUARD_ON_AGAIN)) {
          fleetRun(legacy, fresh, at, k);
        }
      }
    }

    /** One fleet copy: planned and run by the jar's processes (on the tool cores), its counters sampled here. */
    private void fleetRun(Cluster legacy, Cluster fresh, int workers, Kind kind) throws Exception {
      String coll = slug + "-fleet" + workers + switch (kind) {
        case GUARD_OFF -> "-noguard-" + rows.size();
        case GUARD_ON_AGAIN -> "-again-" + rows.size();
        case UNCAPPED -> "-uncapped";
        case WARM_UP -> "-warmup";
        default -> "";
      };
      fresh.createCollection(coll);
      Cpu before = cpu();
      Path jobFile = CopyBenchmark.planJob(backfill, zk, legacy, fresh, coll, docs, dir); // the plan reads the source
      if (kind == Kind.UNCAPPED) {
        BackfillJar.Result cap = backfill.run("throttle", "--job-file", jobFile.toString(), "--slices-in-flight",
            String.valueOf(workers * WORKER_CONCURRENCY));
        if (cap.code() != 0) throw new IllegalStateException(cap.err());
      }
      double rate;
      SteadyRate.Result steady;
      List<Integer> ports = CopyBenchmark.freePorts(workers);
      try (SteadyRate sampler = SteadyRate.start(ports, docs)) {
        long t0 = System.nanoTime();
        CopyBenchmark.awaitWorkers(CopyBenchmark.startWorkers(backfill, jobFile, coll, workers,
            kind == Kind.GUARD_OFF ? List.of(GUARD_OFF) : List.of(), ports));
        rate = CopyBenchmark.rate(docs, t0);
        steady = sampler.stop();
        System.out.println(name + ": fleet " + workers + (kind == Kind.GUARD_OFF ? " (guard off)" : "") + ", "
            + sampler.guardPaths());
      }
      Cpu used = cpu().minus(before);
      requireCount(fresh, coll, docs);
      // a copy left in the target JVM grows its heap and its GC: the sixth Solr 9 run at 1,000,000 documents cost
      // the target 80 s of CPU per million against 42-45 for the first ones
      fresh.dropCollection(coll);
      if (kind == Kind.WARM_UP) {
        System.out.printf(Locale.ROOT, "%s: warm-up, %d worker(s): %.0f docs/s, source CPU %.1f s per 1M docs (not in"
            + " the table)%n", name, workers, rate, perMillion(used.source()));
        return;
      }
      String tool = "backfill-fleet, " + workers + " worker" + (workers > 1 ? "s" : "")
          + (kind == Kind.GUARD_OFF ? ", guard off (" + GUARD_OFF + ")" : kind == Kind.GUARD_ON_AGAIN ? ", again"
          : kind == Kind.UNCAPPED ? ", no default cap" : "");
      add(new Row(kind, tool, workers, rate, steady, used));
    }

    /** A peer's copy, measured from {@code before} (taken right before it started) to now. */
    void peer(String tool, double rate, Cpu before) {
      add(new Row(Kind.PEER, tool, 0, rate, null, cpu().minus(before)));
    }

    /** The fleet row (guard on) that is best by this order: the greatest. */
    Row bestFleet(Comparator<Row> order) {
      return rows.stream().filter(r -> r.kind() == Kind.FLEET).max(order).orElseThrow();
    }

    /**
     * The rows the worker's defaults for this source engine come from ({@code WorkerSettings.forSource}): one
     * worker, each {page size, slices in flight}, after the warm-up (else the first pays for the clusters' JIT), with
     * the clusters' CPU per row: what more requests at once cost them, not only what they gain.
     */
    private void tune(Cluster legacy, Cluster fresh) throws Exception {
      if (!tune) return; // long: opt-in with --tune
      for (int[] pk : tuneRows) {
        String coll = slug + "-tune-p" + pk[0] + "-k" + pk[1];
        Cpu before = cpu(); // the collection is created inside: a small cost the fleet rows do not count
        double r = CopyBenchmark.fleetRate(backfill, zk, legacy, fresh, coll, docs, 1, dir, "--page-size",
            String.valueOf(pk[0]), "--concurrency", String.valueOf(pk[1]));
        Cpu used = cpu().minus(before);
        requireCount(fresh, coll, docs);
        fresh.dropCollection(coll);
        System.out.printf(Locale.ROOT, "TUNE %s, 1 worker, page size %d, slices in flight %d: %.0f docs/s; CPU s per 1M"
            + " docs: source %.1f, target %.1f, tool %.1f%n", name, pk[0], pk[1], r, perMillion(used.source()),
            perMillion(used.target()), perMillion(used.tools()));
      }
    }

    void add(Row r) {
      System.out.printf(Locale.ROOT, "%s: %-40s %8.0f docs/s%s; CPU s per 1M docs: source %.1f, target %.1f, tool %.1f%n",
          name, r.tool(), r.rate(), r.steady() == null ? "" : ", steady " + steady(r.steady()) + " (" + r.steady().why()
              + ")", perMillion(r.cpu().source()), perMillion(r.cpu().target()), perMillion(r.cpu().tools()));
      rows.add(r);
    }

    double perMillion(double seconds) {
      return seconds * 1e6 / docs;
    }

    double clusterCpu(Row r) {
      return perMillion(r.cpu().source() + r.cpu().target());
    }

    void print() {
      double best = bestFleet(Comparator.comparingDouble(Row::rate)).rate();
      // any guarded copy in the default configuration: the "again" rows run on the warmest clusters
      Row cheapestFleet = rows.stream().filter(r -> r.kind() == Kind.FLEET || r.kind() == Kind.GUARD_ON_AGAIN)
          .min(Comparator.comparingDouble(this::clusterCpu)).orElseThrow();
      for (Row r : rows) {
        boolean peer = r.kind() == Kind.PEER;
        table.add(String.format(Locale.ROOT, "| %s | %s | %.0f | %s | %.2f | %.1f | %.1f | %s | %.1f |", name, r.tool(),
            r.rate(), peer ? "" : steady(r.steady()), peer ? best / r.rate() : r.rate() / best,
            perMillion(r.cpu().source()), perMillion(r.cpu().target()),
            peer ? String.format(Locale.ROOT, "%.2f", clusterCpu(cheapestFleet) / clusterCpu(r)) : "",
            perMillion(r.cpu().tools())));
      }
      notes.add(name + ": source CPU = " + source.label() + "; target CPU = " + target.label() + "; serial limit "
          + String.format(Locale.ROOT, "%.0f", serial) + " docs/s");
      moreWorkersNeverSlower();
      rows.stream().filter(r -> r.kind() == Kind.PEER).min(Comparator.comparingDouble(this::clusterCpu)).ifPresent(c ->
          notes.add(String.format(Locale.ROOT, "%s: cheapest peer's cluster CPU %.1f s per 1M docs (%s); fleet best %.1f"
              + " (%d workers): %.2fx (goal: within 1.2x)", name, clusterCpu(c), c.tool(), clusterCpu(cheapestFleet),
              cheapestFleet.workers(), clusterCpu(cheapestFleet) / clusterCpu(c))));
      List<Row> off = rows.stream().filter(r -> r.kind() == Kind.GUARD_OFF).toList();
      List<Row> on = rows.stream().filter(r -> r.kind() == Kind.GUARD_ON_AGAIN).toList();
      if (!off.isEmpty() && !on.isEmpty()) {
        double offCpu = off.stream().mapToDouble(r -> r.cpu().source()).sum() / off.size();
        double onCpu = on.stream().mapToDouble(r -> r.cpu().source()).sum() / on.size();
        notes.add(String.format(Locale.ROOT, "%s: guard share of source CPU = 1 - (source CPU without guard / with guard)"
            + " = 1 - (%.1f / %.1f) = %.0f %% (%d workers; means of runs on, off, off, on; goal: at most 10 %%)", name,
            perMillion(offCpu), perMillion(onCpu), 100 * (1 - offCpu / onCpu), off.get(0).workers()));
      }
    }

    /**
     * More workers never slower: each worker count's steady rate against the best steady rate of fewer (or as many)
     * workers; the least of these ratios, PASS at 0.95 or more (informational).
     */
    private void moreWorkersNeverSlower() {
      List<Row> known = rows.stream().filter(r -> r.kind() == Kind.FLEET && r.steady().known())
          .sorted(Comparator.comparingInt(Row::workers)).toList();
      List<String> unknown = rows.stream().filter(r -> r.kind() == Kind.FLEET && !r.steady().known())
          .map(r -> String.valueOf(r.workers())).toList();
      String missing = unknown.isEmpty() ? "" : "; no steady rate at " + String.join(", ", unknown) + " workers";
      if (known.size() < 2) {
        notes.add(name + ": more workers never slower: n/a (fewer than 2 steady rates" + missing + ")");
        return;
      }
      double bestSoFar = 0;
      double worst = Double.MAX_VALUE;
      int worstAt = 0;
      for (Row r : known) {
        double rate = r.steady().docsPerSecond();
        if (bestSoFar > 0 && rate / bestSoFar < worst) {
          worst = rate / bestSoFar;
          worstAt = r.workers();
        }
        bestSoFar = Math.max(bestSoFar, rate);
      }
      notes.add(String.format(Locale.ROOT, "%s: more workers never slower: least steady rate / best steady rate with"
          + " fewer workers = %.2f (at %d workers) %s%s", name, worst, worstAt, worst >= 0.95 ? "PASS" : "FAIL", missing));
    }

  }

  static String steady(SteadyRate.Result s) {
    return s.known() ? String.format(Locale.ROOT, "%.0f", s.docsPerSecond()) : "n/a";
  }

  /** Every copy is counted afterwards: a tool that copied less than everything has no rate. */
  static void requireCount(Cluster fresh, String collection, int docs) {
    try (SearchStore s = Stores.open("target", fresh.storeConfig(collection))) {
      s.makeVisible();
      long n = s.tenants().stream().mapToLong(t -> t.docs()).sum();
      if (n != docs) throw new IllegalStateException(collection + " has " + n + " of " + docs + " documents");
    }
  }

  private void elasticsearch7(Closers closers) throws Exception {
    Path dist = Paths.get(System.getProperty("bench.es7.reindex.dist", "/tmp/backfill-fleet-es-dist/elasticsearch-7.17.29-reindex"));
    String version = System.getProperty("backfill.es7.version", "7.17.29");
    ElasticsearchNode src = node(dist, version, List.of(), closers);
    ElasticsearchNode dst = node(dist, version, List.of("reindex.remote.whitelist=127.0.0.1:*"), closers);
    Cluster legacy = seededSource(src);
    Cluster fresh = ElasticsearchCluster.shared(dst, "events");
    Pair p = new Pair("ES " + version, legacy, fresh, esMeter("source", src), esMeter("target", dst));
    p.fleet(legacy, fresh);
    reindex(p, "_reindex from remote (op_type=create)", dst, "reindex-remote", src.httpUrl());
    reindex(p, "local _reindex, same cluster (op_type=create)", src, "reindex-local", null);
    elasticdump(p, src, dst, version, fresh, "elasticdump");
    p.print();
  }

  /** OpenSearch 2.19 into 2.19, against OpenSearch's own _reindex from remote (the reindex module added likewise). */
  private void openSearch2(Closers closers) throws Exception {
    String version = System.getProperty("backfill.os2.version", "2.19.6");
    Path dist = Paths.get(System.getProperty("bench.os.reindex.dist",
        "/tmp/backfill-fleet-es-dist/opensearch-" + version + "-reindex"));
    ElasticsearchNode src = node(dist, ElasticsearchNode.Product.OPENSEARCH, version, List.of(), closers);
    ElasticsearchNode dst = node(dist, ElasticsearchNode.Product.OPENSEARCH, version,
        List.of("reindex.remote.allowlist=127.0.0.1:*"), closers);
    Cluster legacy = seededSource(src);
    Cluster fresh = ElasticsearchCluster.shared(dst, "events");
    Pair p = new Pair("OpenSearch " + version, legacy, fresh, esMeter("source", src), esMeter("target", dst));
    try (SearchStore s = Stores.open("source", legacy.storeConfig())) {
      System.out.println(p.name + ": read path " + s.readPath());
    }
    p.fleet(legacy, fresh);
    reindex(p, "_reindex from remote (op_type=create)", dst, "reindex-remote", src.httpUrl());
    p.print();
  }

  private void elasticsearch8(Closers closers) throws Exception {
    String version = System.getProperty("backfill.es8.version", "8.19.21");
    ElasticsearchNode src = node(ElasticsearchNode.distribution(version), version, List.of(), closers);
    ElasticsearchNode dst = node(ElasticsearchNode.distribution(version), version, List.of(), closers);
    Cluster legacy = seededSource(src);
    Cluster fresh = ElasticsearchCluster.shared(dst, "events");
    Pair p = new Pair("ES " + version, legacy, fresh, esMeter("source", src), esMeter("target", dst));
    p.tuneRows = new int[][] {{500, 2}, {1000, 2}, {2000, 2}, {1000, 1}, {1000, 4}, {2000, 4}, {1000, 8}, {2000, 8}};
    p.fleet(legacy, fresh);
    elasticdump(p, src, dst, version, fresh, "elasticdump");
    p.print();
  }

  private void solr8() throws Exception {
    LegacySolr8Cluster solr8 = LegacySolr8Cluster.shared();
    SolrTestCluster solr9 = SolrTestCluster.target();
    Cluster legacy = seededSolr8Source(solr8, docs);
    Cluster fresh = SolrCluster.shared(solr9.zkHost() + "/solr", "events",
        (name, shards) -> solr9.createCollection(name, shards, SolrTestCluster.DOCVALUES_CONFIGSET));
    Pair p = new Pair("Solr " + solr8.version() + " -> 9.10.1", legacy, fresh,
        ProcCpu.tree("Solr 8 child JVM (its nodes and ZooKeeper)", solr8.pid()),
        ProcCpu.self("Solr 9 + ZooKeeper + harness, one JVM"));
    try (SearchStore s = Stores.open("source", legacy.storeConfig())) {
      System.out.println(p.name + ": read path " + s.readPath());
    }
    p.tuneRows = new int[][] {{1000, 2}, {1000, 4}, {1000, 8}, {1000, 16}, {2000, 4}, {2000, 8}};
    p.fleet(legacy, fresh, () -> streamingCopy(p, solr8, solr9, fresh, "before the fleet rows"));
    streamingCopy(p, solr8, solr9, fresh, "after the fleet rows");
    p.print();
  }

  /** An Elasticsearch or OpenSearch node's CPU: its launcher process and the server JVM it starts as a child. */
  private static ProcCpu.Meter esMeter(String role, ElasticsearchNode n) {
    return ProcCpu.tree("the " + role + " " + n + " node's processes", n.pid());
  }

  private static ElasticsearchNode node(Path dist, String version, List<String> settings, Closers closers)
      throws Exception {
    return node(dist, ElasticsearchNode.Product.ELASTICSEARCH, version, settings, closers);
  }

  private static ElasticsearchNode node(Path dist, ElasticsearchNode.Product product, String version,
      List<String> settings, Closers closers) throws Exception {
    ElasticsearchNode n = ElasticsearchNode.start(dist, product, version, Paths.get(System.getProperty("java.home")),
        "1g", settings);
    closers.add(n);
    return n;
  }

  private Cluster seededSource(ElasticsearchNode src) {
    return seededEsSource(src, docs);
  }

  /** The benchmark's Elasticsearch source: index "events" holding {@code docs} documents of history. */
  static Cluster seededEsSource(ElasticsearchNode src, int docs) {
    Cluster legacy = ElasticsearchCluster.shared(src, "events");
    legacy.createCollection();
    legacy.seed(FaultSuite.history(docs));
    return legacy;
  }

  /**
   * The benchmark's Solr 8 source: every field with docValues (workers read through /export, as the streaming
   * expression does) and a soft commit every second, as a live source serving searches has (the testkit's
   * configset has none).
   */
  static Cluster seededSolr8Source(LegacySolr8Cluster solr8, int docs) {
    Cluster legacy = SolrCluster.shared(solr8.zkHost(), "events",
        (name, shards) -> solr8.createCollection(name, shards, SolrTestCluster.DOCVALUES_CONFIGSET));
    legacy.createCollection();
    legacy.seed(FaultSuite.history(docs));
    ((SolrCluster) legacy).softCommitEvery(java.time.Duration.ofSeconds(1));
    return legacy;
  }

  private void reindex(Pair p, String tool, ElasticsearchNode on, String index, String remoteUrl) throws Exception {
    Cluster target = ElasticsearchCluster.shared(on, index);
    target.createCollection();
    String remote = remoteUrl == null ? "" : "\"remote\":{\"host\":\"" + remoteUrl + "\"},";
    String body = "{\"source\":{" + remote + "\"index\":\"events\",\"size\":1000},\"dest\":{\"index\":\"" + index
        + "\",\"op_type\":\"create\"}}";
    Cpu before = p.cpu();
    long t0 = System.nanoTime();
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(on.httpUrl()
            + "/_reindex?refresh=true&wait_for_completion=true")).timeout(Duration.ofMinutes(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    double rate = CopyBenchmark.rate(docs, t0);
    JsonNode j = JSON.readTree(r.body());
    if (r.statusCode() != 200 || j.path("created").asLong() != docs) {
      throw new IllegalStateException("_reindex into " + index + " failed: HTTP " + r.statusCode() + " " + r.body());
    }
    p.peer(tool, rate, before);
  }

  private void elasticdump(Pair p, ElasticsearchNode src, ElasticsearchNode dst, String version, Cluster fresh,
      String index) throws Exception {
    Path tools = Paths.get(System.getProperty("bench.tools", "bench/peers/tools"));
    fresh.createCollection(index);
    ProcessBuilder pb = new ProcessBuilder(ToolCores.pin(List.of("node", "-r", tools.resolve("es-root-shim.js").toString(),
        tools.resolve("node_modules/elasticdump/bin/elasticdump").toString(), "--input=" + src.httpUrl() + "/events",
        "--output=" + dst.httpUrl() + "/" + index, "--type=data", "--limit=1000", "--bulkAction=create")))
        .redirectErrorStream(true).redirectOutput(dir.resolve("elasticdump-" + version + ".log").toFile());
    pb.environment().put("ELASTICDUMP_ES_VERSION", version); // only used where GET / is not served (see the shim)
    Cpu before = p.cpu();
    long t0 = System.nanoTime();
    int rc = pb.start().waitFor();
    double rate = CopyBenchmark.rate(docs, t0);
    if (rc != 0) throw new IllegalStateException("elasticdump exited " + rc + "; see " + dir);
    ElasticsearchCluster.shared(dst, index).commit();
    p.peer("elasticdump (--bulkAction=create)", rate, before);
    requireCount(fresh, index, docs);
  }

  /**
   * Solr's own create-only copy: Solr 9 runs update(select(search(legacy /export), ..., val(-1) as _version_)) into
   * a collection whose /update defaults skip version conflicts (SOLR's failOnVersionConflicts=false).
   */
  private void streamingCopy(Pair p, LegacySolr8Cluster solr8, SolrTestCluster solr9, Cluster fresh, String when)
      throws Exception {
    String coll = "streamed";
    Path conf = SolrTestCluster.configSet(SolrTestCluster.DOCVALUES_CONFIGSET);
    Path solrconfig = conf.resolve("solrconfig.xml");
    Files.writeString(solrconfig, Files.readString(solrconfig).replace("</config>",
        "<initParams path=\"/update/**\"><lst name=\"defaults\"><str name=\"failOnVersionConflicts\">false</str>"
            + "</lst></initParams>\n</config>"));
    org.apache.solr.common.cloud.ZkStateReader.from(solr9.client()).getZkClient().uploadToZK(conf, "/configs/skip-conflicts", null);
    solr9.createCollection(coll, 2, "skip-conflicts");
    String fields = "id,tenant,ts,origin,n,title";
    String expr = "commit(" + coll + ",update(" + coll + ",batchSize=1000,pruneVersionField=false,select(search(events,"
        + "zkHost=\"" + solr8.zkHost() + "\",qt=\"/export\",q=\"*:*\",fl=\"" + fields + "\",sort=\"id asc\"),"
        + fields + ",val(-1) as _version_)))";
    String node = solr9.cluster().getJettySolrRunner(0).getBaseUrl().toString();
    Cpu before = p.cpu();
    long t0 = System.nanoTime();
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(node + "/" + coll + "/stream"))
        .timeout(Duration.ofMinutes(30)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("expr=" + URLEncoder.encode(expr, StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    double rate = CopyBenchmark.rate(docs, t0);
    if (r.statusCode() != 200 || r.body().contains("EXCEPTION")) {
      throw new IllegalStateException("streaming copy failed: HTTP " + r.statusCode() + " " + r.body());
    }
    p.peer("streaming expression update(select(search /export)), create-only, " + when, rate, before);
    requireCount(fresh, coll, docs);
    fresh.dropCollection(coll);
  }
}

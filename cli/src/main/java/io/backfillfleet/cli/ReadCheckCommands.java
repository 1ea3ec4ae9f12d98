package io.backfillfleet.cli;

import com.codahale.metrics.MetricRegistry;
import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobSpec;
import io.backfillfleet.readcheck.MirrorProxy;
import io.backfillfleet.readcheck.QueryGenerator;
import io.backfillfleet.readcheck.QueryPair;
import io.backfillfleet.readcheck.ReadCheckReport;
import io.backfillfleet.readcheck.ReadCheckSession;
import io.backfillfleet.readcheck.ReadCheckMetrics;
import io.backfillfleet.readcheck.ReadCheckSettings;
import io.backfillfleet.readcheck.ReadinessGate;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.worker.JobStores;
import io.backfillfleet.worker.MetricHelp;
import io.backfillfleet.worker.MetricsEndpoint;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** compare and mirror: step 3's second half, whether the new cluster answers queries the same and as fast. */
final class ReadCheckCommands {
  static final int NOT_READY = 3;

  private ReadCheckCommands() {}

  /** What both commands share: which clusters, how to compare, the gate, the reports. */
  static final class Shared {
    @Mixin ZkOptions zk;
    @Option(names = "--ignore", paramLabel = "RULE", split = ",", description = {"Also ignore this key anywhere (took),"
        + " this dotted path (hits.max_score), or: order (top ids as sets), fields (no document fields), hits (no"
        + " counts). Repeatable or comma-separated.", "Ignored by default: timings, scores, shard and version"
        + " bookkeeping, index names."}) List<String> ignore = new ArrayList<>();
    @Option(names = "--no-default-ignores", description = "Compare timings, scores and shard info too.") boolean noDefaults;
    @Option(names = "--settle-seconds", defaultValue = "5", paramLabel = "S", description = "Ask a differing read of both"
        + " clusters again after S seconds; only a difference still there counts (live writes lag; default ${DEFAULT-VALUE}).")
    double settle;
    @Option(names = "--max-mismatch-ratio", defaultValue = "0", paramLabel = "R", description = "Ready only if at most this"
        + " share of reads differs (default ${DEFAULT-VALUE}: none).") double maxMismatch;
    @Option(names = "--max-latency-ratio", defaultValue = "1.2", paramLabel = "R", description = "Ready only if the new"
        + " cluster's p99 is at most R times legacy's (default ${DEFAULT-VALUE}).") double maxLatency;
    @Option(names = "--html", paramLabel = "FILE", description = "Write the report page here (latencies side by side,"
        + " mismatch rate over time, worst mismatches with copy-as-curl).") Path html;
    @Option(names = "--json", paramLabel = "FILE", description = "Write the report as JSON here.") Path json;
    @Option(names = "--legacy-url", paramLabel = "URL", description = "Send legacy reads here instead of the job's"
        + " source endpoints (or Solr's live nodes).") String legacyUrl;
    @Option(names = "--new-url", paramLabel = "URL", description = "Send new-cluster reads here instead of the job's"
        + " target endpoints.") String newUrl;
    @Option(names = "--metrics-port", paramLabel = "P", description = "Serve Prometheus metrics on :P/metrics.") Integer metricsPort;
    @Option(names = "--verbose", description = "Stack traces on errors.") boolean verbose;

    private StoreConfig[] stores;

    /**
     * The job's source and target: from the job file when given, else from the job in ZooKeeper (read once: the
     * session and the metrics labels both need them).
     */
    StoreConfig[] stores() {
      if (stores != null) return stores;
      JobFile f = zk.file();
      if (f != null && f.source() != null && f.target() != null) return stores = new StoreConfig[] {f.source(), f.target()};
      try (CoordinatorConnection conn = zk.connect()) {
        JobSpec js = VerifyCommands.spec(conn, zk.job());
        return stores = new StoreConfig[] {JobStores.source(js), JobStores.target(js)};
      }
    }

    ReadCheckSession open(MetricRegistry registry) {
      StoreConfig[] s = stores();
      ReadCheckSettings settings = new ReadCheckSettings(ignore, noDefaults, Duration.ofMillis((long) (settle * 1000)),
          new ReadinessGate(maxMismatch, maxLatency), legacyUrl, newUrl);
      return ReadCheckSession.open(s[0], s[1], settings, registry, System.getenv());
    }

    /** Serves the read check's metrics on {@code --metrics-port}, labelled like the workers'; null without one. */
    MetricsEndpoint serveMetrics(MetricRegistry registry) throws java.io.IOException {
      if (metricsPort == null) return null;
      String job;
      try {
        job = zk.job();
      } catch (UsageException noJobName) {
        job = null; // a job file with source and target but no name: the series carry the engines only
      }
      return MetricsEndpoint.start(metricsPort, registry, MetricHelp.of(ReadCheckMetrics.HELP),
          MetricsEndpoint.labels(job, stores()[0], stores()[1]));
    }

    int finish(ReadCheckSession session, PrintWriter out, String title) {
      ReadCheckReport r = session.writeReports(html, json, title);
      print(r, out);
      if (html != null) out.println("report: " + html.toAbsolutePath());
      if (json != null) out.println("json: " + json.toAbsolutePath());
      return r.gate().ready() ? ExitCodes.OK : NOT_READY;
    }
  }

  /** The verdict and the shapes that are not "same", for a terminal. */
  static void print(ReadCheckReport r, PrintWriter out) {
    out.printf(Locale.ROOT, "%s: %d reads compared, %d differ (%.4f; at most %.4f allowed), %d settled on the re-ask%n",
        r.gate().ready() ? "READY" : "NOT READY", r.requests(), r.mismatches(), r.mismatchRatio(),
        r.gate().maxMismatchRatio(), r.settled());
    out.printf(Locale.ROOT, "latency p50/p95/p99/max ms: legacy %.1f/%.1f/%.1f/%.1f, new %.1f/%.1f/%.1f/%.1f;"
        + " new p99 %.2fx legacy's (at most %.2fx)%n", r.legacy().latency().p50(), r.legacy().latency().p95(),
        r.legacy().latency().p99(), r.legacy().latency().max(), r.candidate().latency().p50(),
        r.candidate().latency().p95(), r.candidate().latency().p99(), r.candidate().latency().max(), r.latencyRatio(),
        r.gate().maxLatencyRatio());
    out.printf(Locale.ROOT, "errors: legacy %d, new %d%s%n", r.legacy().errors(), r.candidate().errors(),
        r.dropped() > 0 ? "; mirror dropped " + r.dropped() + " reads (new cluster behind)" : "");
    for (ReadCheckReport.ShapeVerdict s : r.shapes()) {
      if (s.verdict().equals("same")) continue;
      out.printf(Locale.ROOT, "  %-9s %s: %d of %d differ %s, p99 legacy %.1f ms, new %.1f ms%n", s.verdict().toUpperCase(Locale.ROOT),
          s.shape(), s.mismatches(), s.requests(), s.kinds(), s.legacy().p99(), s.candidate().p99());
    }
    r.worst().stream().limit(3).forEach(e -> {
      out.println("  worst: " + e.shape() + (e.label() == null ? "" : " (" + e.label() + ")"));
      e.differences().stream().limit(3).forEach(d -> out.println("    " + d));
      out.println("    legacy: " + e.legacyCurl());
      out.println("    new:    " + e.candidateCurl());
    });
    r.gate().reasons().forEach(x -> out.println("not ready: " + x));
  }

  static final class Source {
    @Option(names = "--queries", paramLabel = "FILE", required = true, description = {"Replay these captured reads: one"
        + " JSON object per line,", "  {\"method\":\"GET\",\"path\":\"/solr/coll/select\",\"params\":{\"q\":\"*:*\",\"fq\":[\"tenant:a\"]}}",
        "  {\"method\":\"POST\",\"path\":\"/index/_search\",\"body\":{\"query\":{...}}}",
        "  or a pair {\"legacy\":{...},\"new\":{...}} when the engines differ; \"shape\" names a line's kind.",
        "  The legacy collection/index name in a path is replaced by the new one for the new cluster."}) Path queries;
    @Option(names = "--generate", required = true, description = {"Build the reads from the legacy cluster's tenants, in both"
        + " engines' words:", "  per tenant its count, its count per month, its newest documents, and with --facet-field"
        + " the field's top values."}) boolean generate;
  }

  @Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Before cutting reads over: asks both clusters the same reads and compares the answers.",
          "Compares status, hit counts, top ids (as sets and in order), returned documents' fields and facet/aggregation",
          "  buckets; latency of both (p50/p95/p99/max) and a verdict per query shape (path and parameter names).",
          "A read that differs is asked of both again after --settle-seconds; only a difference still there counts.",
          "The clusters are the job's source (legacy) and target (new): --job-file, or --zk and --job.",
          "Exit code 0 when ready by --max-mismatch-ratio and --max-latency-ratio, 3 when not."},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:ready: answers agree and the new cluster is fast enough", "3:not ready (the output says why)",
          "2:bad input or a cluster that cannot be reached", "1:unexpected error"})
  static final class Compare implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Shared shared;
    @ArgGroup(exclusive = true, multiplicity = "1") Source source;
    @Option(names = "--sample-tenants", defaultValue = "50", paramLabel = "N",
        description = "With --generate: tenants asked about, spread from biggest to smallest (default ${DEFAULT-VALUE}).")
    int sampleTenants;
    @Option(names = "--months", defaultValue = "12", paramLabel = "M",
        description = "With --generate: newest months counted per tenant (default ${DEFAULT-VALUE}).") int months;
    @Option(names = "--newest", defaultValue = "10", paramLabel = "N",
        description = "With --generate: newest documents fetched per tenant (default ${DEFAULT-VALUE}).") int newest;
    @Option(names = "--facet-field", paramLabel = "FIELD",
        description = "With --generate: also compare this field's top values per tenant.") String facetField;
    @Option(names = "--facet-limit", defaultValue = "20", paramLabel = "N", description = "Top values compared (default ${DEFAULT-VALUE}).")
    int facetLimit;
    @Option(names = "--save-queries", paramLabel = "FILE", description = "Also write the reads asked to FILE in the"
        + " --queries format (generate once, edit, replay).") Path saveQueries;
    @Option(names = "--rounds", defaultValue = "1", paramLabel = "N", description = "Ask every read N times (more latency"
        + " samples; default ${DEFAULT-VALUE}).") int rounds;
    @Option(names = "--concurrency", defaultValue = "4", paramLabel = "C", description = "Reads in flight (default ${DEFAULT-VALUE}).")
    int concurrency;
    @Option(names = "--rate", defaultValue = "0", paramLabel = "Q", description = "At most Q reads a second to each cluster"
        + " (default: no limit).") double rate;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      if (rounds < 1) throw new UsageException("--rounds must be at least 1");
      MetricRegistry registry = new MetricRegistry();
      try (ReadCheckSession session = shared.open(registry);
           MetricsEndpoint metrics = shared.serveMetrics(registry)) {
        List<QueryPair> pairs = source.generate
            ? session.generate(new QueryGenerator.Settings(sampleTenants, months, newest, facetField, facetLimit))
            : session.readQueries(source.queries);
        if (saveQueries != null) io.backfillfleet.readcheck.QueryFile.write(saveQueries, pairs);
        out.printf("comparing %d reads x %d rounds: legacy %s, new %s%n", pairs.size(), rounds,
            session.legacyClient().baseUrl(), session.newClient().baseUrl());
        out.flush();
        session.replay(pairs, rounds, concurrency, rate, done -> {
          out.printf("  %d reads compared%n", done);
          out.flush();
        });
        return shared.finish(session, out, "backfill compare: " + session.legacyClient().baseUrl() + " vs "
            + session.newClient().baseUrl());
      }
    }
  }

  @Command(name = "mirror", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Before cutting reads over: a proxy for the legacy cluster's query endpoint that mirrors reads.",
          "Point readers at it: every request goes to legacy and its answer goes back unchanged. Reads (Solr /select,",
          "  /query, /get; Elasticsearch _search, _count, _msearch, _mget, GET _doc) are also sent, in the background,",
          "  to the new cluster and compared as 'compare' does; the caller never waits for the new cluster.",
          "Writes are passed to legacy and never mirrored (the dual-writer owns them).",
          "When the new cluster falls behind, reads beyond --queue are dropped from the comparison (counted).",
          "Runs until stopped (SIGTERM) or --duration; the report is rewritten every --report-seconds and at the end.",
          "With --duration the exit code is the verdict: 0 when ready, 3 when not (as compare)."},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:ready at the end", "3:not ready (the output says why)", "2:bad input", "1:unexpected error"})
  static final class Mirror implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Shared shared;
    @Option(names = "--listen", defaultValue = "9400", paramLabel = "PORT", description = "Port to serve on (default ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--sample", defaultValue = "1.0", paramLabel = "S", description = "Share of reads mirrored, 0..1"
        + " (default ${DEFAULT-VALUE}: all).") double sample;
    @Option(names = "--queue", defaultValue = "10000", paramLabel = "N", description = "Reads waiting for the new cluster"
        + " at most; more are dropped (default ${DEFAULT-VALUE}).") int queue;
    @Option(names = "--mirror-threads", defaultValue = "8", paramLabel = "T", description = "Reads sent to the new cluster"
        + " at once (default ${DEFAULT-VALUE}).") int threads;
    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this long (default: run until stopped).")
    Long duration;
    @Option(names = "--report-seconds", defaultValue = "60", paramLabel = "S", description = "Rewrite --html/--json every S"
        + " seconds (default ${DEFAULT-VALUE}).") int reportSeconds;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      MetricRegistry registry = new MetricRegistry();
      CountDownLatch stop = new CountDownLatch(1);
      CountDownLatch reported = new CountDownLatch(1);
      // on SIGTERM (a Deployment scaled down), stop taking reads and let the final report be written before the JVM ends
      Thread hook = new Thread(() -> {
        stop.countDown();
        try {
          reported.await(90, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "mirror-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      String title = "backfill mirror";
      // the proxy first: its HTTP server settings (TCP_NODELAY) must be in place before any JDK server starts
      try (ReadCheckSession session = shared.open(registry);
           MirrorProxy proxy = session.mirror(new MirrorProxy.Settings(port, sample, queue, threads, 64));
           MetricsEndpoint metrics = shared.serveMetrics(registry)) {
        out.printf("mirroring reads on port %d: legacy %s (answers callers), new %s (compared)%n", proxy.port(),
            session.legacyClient().baseUrl(), session.newClient().baseUrl());
        out.flush();
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(duration);
        while (System.nanoTime() < deadline) {
          long waitNanos = Math.min(TimeUnit.SECONDS.toNanos(Math.max(1, reportSeconds)), deadline - System.nanoTime());
          if (stop.await(Math.max(1, waitNanos), TimeUnit.NANOSECONDS)) break;
          ReadCheckReport r = session.writeReports(shared.html, shared.json, title);
          out.printf(Locale.ROOT, "%d reads compared, %d differ, p99 legacy %.1f ms, new %.1f ms%s%n", r.requests(),
              r.mismatches(), r.legacy().latency().p99(), r.candidate().latency().p99(),
              r.dropped() > 0 ? ", " + r.dropped() + " dropped" : "");
          out.flush();
        }
        proxy.stop(Duration.ofSeconds(30));
        session.drain();
        return shared.finish(session, out, title);
      } finally {
        reported.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is stopping because of SIGTERM: the report above is the last word
        }
      }
    }
  }
}

package io.backfillfleet.cli;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.worker.FleetWorker;
import io.backfillfleet.worker.SplitSettings;
import io.backfillfleet.worker.WorkerSettings;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

@Command(name = "work", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs one worker: copies free slices create-only until no work is left.",
        "It claims a free slice, copies it page by page from its saved cursor, checkpoints, and takes the next.",
        "It exits 0 when every slice is DONE or FAILED; while others hold the last slices it waits, and takes over",
        "  any whose claim disappears.",
        "SIGTERM (scaling down): it stops claiming, finishes the page in flight, checkpoints, releases, exits 0.",
        "Store credentials come from the environment variables or files named in the job's store descriptions."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:no work left, or stopped by SIGTERM", "2:bad configuration, unknown job, unreachable cluster",
        "1:unexpected error (run with --verbose)"})
final class WorkCommand implements Callable<Integer> {
  @Mixin ZkOptions zk;

  @Option(names = "--concurrency", paramLabel = "K",
      description = {"Slices copied at once, at most (default 8; measured, see README). The pages they hold are bounded by",
          "  --page-memory-mb, so more slices do not need more memory.",
          "A slice whose pages are all written waits out --settle-seconds without counting here (up to 4 such",
          "  slices per copied one), so a worker may hold up to five times as many claims."})
  int concurrency = WorkerSettings.AUTO;

  @Option(names = "--adaptive", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = {"Lower the slices copied at once (down to 1) while the clusters' round trips grow or they answer",
          "  busy (429), and raise them again as they recover (default on). --no-adaptive keeps --concurrency fixed.",
          "The job-wide cap is 'backfill throttle --slices-in-flight N'; /metrics has backfill_slices_limit."})
  boolean adaptive;

  @Option(names = "--page-size", paramLabel = "N",
      description = "Documents per page (default: 2000 from Elasticsearch or OpenSearch, 1000 from Solr; measured, see README).")
  int pageSize = WorkerSettings.AUTO;

  @Option(names = "--page-memory-mb", paramLabel = "MB",
      description = {"The most memory the pages read and not yet written may take at once (default: a quarter of the",
          "  heap). Slices wait for room before reading, so large documents slow the copy instead of running the",
          "  worker out of memory; the progress line says when reads waited for it; /metrics has backfill_pages_memory_held_bytes."})
  long pageMemoryMb = WorkerSettings.AUTO;

  @Option(names = "--checkpoint-pages", defaultValue = "5", paramLabel = "N",
      description = "Checkpoint after N pages (default ${DEFAULT-VALUE}) ...")
  int checkpointPages;

  @Option(names = "--checkpoint-seconds", defaultValue = "10", paramLabel = "S",
      description = "... or after S seconds, whichever comes first (default ${DEFAULT-VALUE}).")
  int checkpointSeconds;

  @Option(names = "--grace-seconds", defaultValue = "25", paramLabel = "S",
      description = "After SIGTERM, time to finish, checkpoint and release (default ${DEFAULT-VALUE}; keep it below the"
          + " pod's terminationGracePeriodSeconds).")
  int graceSeconds;

  @Option(names = "--settle-seconds", defaultValue = "5", paramLabel = "S",
      description = "Re-check each written page against the source S seconds later and delete what a live delete"
          + " removed meanwhile; make it longer than the dual-writer's lag between its two writes (default ${DEFAULT-VALUE}).")
  int settleSeconds;

  @Option(names = "--split", paramLabel = "auto|off", defaultValue = "auto",
      description = {"auto (default): while other workers are idle, split a held slice whose rest would take more than",
          "  --split-min-seconds and 1.5 times this worker's median slice into equal pieces, one for each idle worker",
          "  and one kept, so a job's tail is not one worker copying alone. off: never split.",
          "'backfill split --job J off' turns it off for the whole fleet, live."})
  String split;

  @Option(names = "--split-min-seconds", defaultValue = "30", paramLabel = "S",
      description = "Never split a slice expected to end within S seconds (default ${DEFAULT-VALUE}).")
  int splitMinSeconds;

  @Option(names = "--split-min-docs", defaultValue = "10000", paramLabel = "N",
      description = "Never leave either part of a split below N documents (default ${DEFAULT-VALUE}).")
  long splitMinDocs;

  @Option(names = "--wait-for-clusters", defaultValue = "300", paramLabel = "S",
      description = {"At start, wait up to S seconds for a source or target that does not answer (a cluster restarting)",
          "  before exiting with an error, saying so every try (default ${DEFAULT-VALUE}). A missing index or refused",
          "  credentials stop the worker at once. 0: give up after the store's own tries (maxAttempts)."})
  int waitForClustersSeconds;

  @Option(names = "--metrics-port", paramLabel = "P", description = "Serve Prometheus metrics on :P/metrics.")
  Integer metricsPort;

  @Option(names = "--worker-id", paramLabel = "ID", description = "Default: the host name plus a random suffix.")
  String workerId;

  @Option(names = "--verbose", description = "Stack traces on errors.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    String job = zk.job();
    String id = workerId != null ? workerId : defaultWorkerId();
    WorkerSettings settings = new WorkerSettings(id, concurrency, pageSize, checkpointPages,
        Duration.ofSeconds(checkpointSeconds), Duration.ofSeconds(graceSeconds), null, null,
        Duration.ofSeconds(settleSeconds), pageMemoryMb << 20, adaptive);
    if (!split.equals("auto") && !split.equals("off")) throw new UsageException("--split must be auto or off, not '" + split + "'");
    if (splitMinSeconds < 0) throw new UsageException("--split-min-seconds cannot be negative");
    if (splitMinDocs < 1) throw new UsageException("--split-min-docs must be at least 1");
    if (waitForClustersSeconds < 0) throw new UsageException("--wait-for-clusters cannot be negative");
    SplitSettings splitting = (split.equals("auto") ? SplitSettings.AUTO : SplitSettings.OFF)
        .withMinRemaining(Duration.ofSeconds(splitMinSeconds)).withMinDocs(splitMinDocs);
    org.slf4j.MDC.put("job", job); // the worker's lines carry both; so do this command's
    org.slf4j.MDC.put("worker", settings.workerId());
    try (CoordinatorConnection conn = zk.connect()) {
      FleetWorker worker = new FleetWorker(conn, job, settings).withSplitting(splitting)
          .withStoreWait(Duration.ofSeconds(waitForClustersSeconds));
      if (metricsPort != null) worker.withMetricsPort(metricsPort);
      // Handle TERM and INT ourselves (not in a shutdown hook), so a graceful stop can still exit 0.
      Signal.handle(new Signal("TERM"), s -> worker.close());
      Signal.handle(new Signal("INT"), s -> worker.close());
      FleetWorker.Result r = worker.run();
      String how = r == FleetWorker.Result.NO_WORK_LEFT ? "no work left in job " + job
          : "stopped; slices in flight were checkpointed and released";
      if (Main.jsonLogs()) org.slf4j.LoggerFactory.getLogger(WorkCommand.class).info(how);
      else System.err.println("backfill work: " + how);
      return ExitCodes.OK;
    }
  }

  private static String defaultWorkerId() {
    String host = System.getenv().getOrDefault("HOSTNAME", "worker").replaceAll("[^A-Za-z0-9._-]", "_");
    if (host.isEmpty() || !Character.isLetterOrDigit(host.charAt(0))) host = "w" + host;
    return (host.length() > 60 ? host.substring(0, 60) : host) + "-" + UUID.randomUUID().toString().substring(0, 6);
  }
}

package io.backfillfleet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobRepository;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.planner.Plan;
import io.backfillfleet.planner.PlanPublisher;
import io.backfillfleet.planner.PlanReport;
import io.backfillfleet.planner.PlanTimelineHtml;
import io.backfillfleet.planner.Planner;
import io.backfillfleet.planner.SliceCost;
import io.backfillfleet.planner.TenantSelection;
import io.backfillfleet.planner.WorkersChangeMark;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.Stores;
import io.backfillfleet.worker.JobStores;
import io.backfillfleet.worker.TargetTuner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Slices each tenant's history into windows of equal effort; --dry-run or --apply.",
        "It measures each tenant's history on the source and cuts it into time slices of about equal effort.",
        "--dry-run prints the slice report and writes nothing anywhere (no ZooKeeper needed).",
        "--apply publishes the job and one work node per slice to ZooKeeper (refused if the job exists).",
        "--add-tenants adds slices for tenants the job does not have yet."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "2:bad input, or a cluster or ZooKeeper that cannot be used (the message says which)",
        "1:unexpected error (run with --verbose)"})
final class PlanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** --job-file (required here), --job, and for --apply/--add-tenants --zk and --root. */
  @Mixin ZkOptions zk;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Mode mode;

  static final class Mode {
    @Option(names = "--dry-run", required = true, description = "Print the report only; write nothing.") boolean dryRun;
    @Option(names = "--apply", required = true, description = "Publish the job and its slices.") boolean apply;
    @Option(names = "--add-tenants", required = true, description = "Add slices for tenants the job lacks.") boolean add;
  }

  @Option(names = "--docs-per-slice", paramLabel = "N", description = "Target documents per slice.")
  Long docsPerSlice;

  @Option(names = "--minutes-per-slice", paramLabel = "M",
      description = "Target minutes per slice (needs --docs-per-second).")
  Double minutesPerSlice;

  @Option(names = "--docs-per-second", paramLabel = "D",
      description = "One worker's copy rate, for estimates (default: plan.docsPerSecond, else 10000).")
  Double docsPerSecond;

  @Option(names = "--workers", paramLabel = "W", description = "Workers assumed for the wall-clock estimate.")
  Integer workers;

  @Option(names = "--settle-seconds", defaultValue = "5", paramLabel = "S",
      description = {"The workers' --settle-seconds, for the estimate (default ${DEFAULT-VALUE}): every slice waits it out",
          "  once, and with many small slices that, not the documents, sets the time."})
  int settleSeconds;

  @Option(names = "--concurrency", defaultValue = "8", paramLabel = "K",
      description = "The workers' --concurrency (slices each copies at once), for the estimate (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--tenants", split = ",", paramLabel = "T", description = "Only these tenants.")
  List<String> tenants;

  @Option(names = "--tenants-file", paramLabel = "FILE", description = "Only the tenants listed in FILE, one per line.")
  Path tenantsFile;

  @Option(names = "--exclude", split = ",", paramLabel = "T", description = "Leave out these tenants.")
  List<String> exclude;

  @Option(names = "--format", defaultValue = "table", paramLabel = "table|json|csv",
      description = "Report format (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML picture of the slices.")
  Path html;

  @Option(names = "--report", paramLabel = "full|summary|totals",
      description = {"How much of the table report: 'full' every tenant's line; 'summary' slice sizes, the 20 largest",
          "  tenants, the hot spots and the totals; 'totals' the totals, the estimate and the coverage line.",
          "  Default: full up to 50 tenants, summary above (totals with --quiet). --format json and csv are always full."})
  String report;

  @Option(names = "--quiet", description = "No progress bar, and the report is one block: totals, estimate, coverage.")
  boolean quiet;

  @Option(names = "--tune-target",
      description = {"With --apply, Elasticsearch and OpenSearch targets: set refresh_interval -1 and number_of_replicas 0 on the target",
          "  while the job copies (faster, and cheaper for the target); the originals are kept in ZooKeeper and put back",
          "  when a worker finds no work left, or by 'backfill tune-target --restore'. Never while reads are served",
          "  from the target."})
  boolean tuneTarget;

  @Option(names = "--verbose", description = "Stack traces on errors.")
  boolean verbose;

  @Override
  public Integer call() throws IOException {
    if (zk.jobFile == null) throw new UsageException("plan needs --job-file FILE (source, target and plan settings)");
    Path jobFile = zk.jobFile;
    JobFile file = zk.file();
    String jobName = zk.job();
    JobFile.PlanSettings ps = file.plan() == null
        ? new JobFile.PlanSettings(null, null, null, null, null, null, null) : file.plan();
    double rate = docsPerSecond != null ? docsPerSecond : ps.docsPerSecond() != null ? ps.docsPerSecond() : 10_000;
    long target = targetDocsPerSlice(ps, rate);
    int w = workers != null ? workers : ps.workers() != null ? ps.workers() : 1;
    if (!List.of("table", "json", "csv").contains(format)) {
      throw new UsageException("--format must be table, json or csv, not '" + format + "'");
    }
    if (report != null && !List.of("full", "summary", "totals").contains(report)) {
      throw new UsageException("--report must be full, summary or totals, not '" + report + "'");
    }
    if (settleSeconds < 0) throw new UsageException("--settle-seconds cannot be negative");
    if (concurrency < 1 || concurrency > 64) throw new UsageException("--concurrency must be 1..64");
    if (file.source() == null) throw new UsageException("job file " + jobFile + " has no 'source'");
    if (!mode.dryRun && file.target() == null) throw new UsageException("job file " + jobFile + " has no 'target'");
    if (tuneTarget && !mode.apply) {
      throw new UsageException("--tune-target goes with --apply (for a published job: 'backfill tune-target --apply')");
    }
    if (!mode.dryRun && file.target() != null) {
      file.target().validate("target");
      try (SearchStore targetStore = Stores.open("target", file.target())) {
        targetStore.requireExists(); // before measuring anything: a typo must not publish a job into a new, dynamic index
        if (tuneTarget) TargetTuner.require(targetStore); // a Solr target: refused before anything is published
      }
    }
    TenantSelection selection = new TenantSelection(selectedTenants(ps), Set.copyOf(exclude != null ? exclude
        : ps.exclude() != null ? ps.exclude() : List.of()));

    Plan plan;
    String readPath;
    WorkersChangeMark changeMark = null;
    try (SearchStore source = Stores.open("source", file.source());
         ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), !quiet && System.console() != null)) {
      if (mode.apply) changeMark = WorkersChangeMark.take(source); // before measuring, which takes most of its wait
      plan = new Planner(source, target).plan(selection, bar::update);
      readPath = source.readPath();
    }
    PlanReport planReport = new PlanReport(plan, rate, w,
        SliceCost.of(java.time.Duration.ofSeconds(settleSeconds), concurrency));
    PlanReport.Detail detail = report != null ? PlanReport.Detail.valueOf(report.toUpperCase(java.util.Locale.ROOT))
        : quiet ? PlanReport.Detail.TOTALS : PlanReport.Detail.forTenants(plan.tenants().size());
    PrintWriter out = spec.commandLine().getOut();
    out.print(switch (format) {
      case "json" -> planReport.json();
      case "csv" -> planReport.csv();
      default -> planReport.table(detail);
    });
    // which read path the workers will take, and why; beside the table, or on stderr so json/csv (and the one block
    // of --quiet) stay as they are
    (format.equals("table") && detail != PlanReport.Detail.TOTALS ? out : spec.commandLine().getErr())
        .println("read path: " + readPath);
    if (format.equals("csv") && plan.coverage() != null) spec.commandLine().getErr().println(plan.coverage().describe());
    out.flush();
    if (html != null) {
      Files.writeString(html, PlanTimelineHtml.render(plan, "backfill plan: " + jobName));
      spec.commandLine().getErr().println("wrote " + html);
    }
    if (mode.dryRun) return ExitCodes.OK;

    try (CoordinatorConnection conn = zk.connect()) {
      PlanPublisher publisher = new PlanPublisher(conn, Clock.systemUTC());
      if (mode.apply) {
        com.fasterxml.jackson.databind.node.ObjectNode params = (com.fasterxml.jackson.databind.node.ObjectNode) json(ps);
        if (file.fieldMapping() != null) params.set("fieldMapping", json(file.fieldMapping())); // workers apply it
        if (file.errors() != null) params.set("errors", json(file.errors()));
        if (file.rejected() != null) params.set("rejected", json(file.rejected()));
        // the selection as applied (--tenants/--exclude included): verify checks coverage against it
        params.set("tenants", json(List.copyOf(selection.include())));
        params.set("exclude", json(List.copyOf(selection.exclude())));
        OptionalLong mark = usableChangeMark(changeMark);
        if (mark.isPresent()) params.put(JobStores.CHANGE_MARK, mark.getAsLong());
        JobRepository.PublishResult r = publisher.publish(jobName, plan, json(file.source()), json(file.target()),
            params, ps.maxAttempts() == null ? 0 : ps.maxAttempts());
        spec.commandLine().getErr().printf("published job %s: %d slices%s; start workers with 'backfill work --job %s'%n",
            jobName, r.slicesWritten() + r.slicesAlreadyThere(), r.resumed() ? " (resumed an interrupted publish)" : "",
            jobName);
        if (tuneTarget) {
          try (SearchStore targetStore = Stores.open("target", file.target())) {
            spec.commandLine().getErr().println(describe(jobName, new TargetTuner(conn, jobName, Clock.systemUTC())
                .apply(targetStore, ControlCommands.who())));
          }
        }
      } else {
        // the tenants of packed slices too: each is in the job, though no slice is named after it
        Set<String> present = PlanPublisher.tenantsOf(new JobStatusReader(conn).read(jobName).slices().values());
        int added = publisher.addTenants(jobName, plan, present);
        spec.commandLine().getErr().printf("added %d slices to job %s%n", added, jobName);
      }
    }
    return ExitCodes.OK;
  }

  /** The source's snapshot for the workers, once usable; waits the few seconds planning did not already take. */
  private OptionalLong usableChangeMark(WorkersChangeMark mark) {
    if (mark.remaining().compareTo(java.time.Duration.ofSeconds(1)) > 0 && !quiet) {
      spec.commandLine().getErr().printf("waiting %d s for the source's change snapshot to be searchable, so workers"
          + " re-check pages by range from the start%n", mark.remaining().toSeconds() + 1);
    }
    try {
      return mark.awaitUsable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalLong.empty(); // the workers take their own
    }
  }

  /** What --tune-target (or 'tune-target --apply') did, in one line. */
  static String describe(String job, TargetTuner.Applied a) {
    if (a instanceof TargetTuner.Applied.Tuned t) {
      return "job " + job + ": target tuned for the backfill (" + t.node().describeTuned() + "); the originals ("
          + t.node().describeOriginal() + ") are put back when a worker finds no work left, or by 'backfill tune-target"
          + " --job " + job + " --restore'";
    }
    if (a instanceof TargetTuner.Applied.AlreadyRecorded there) {
      return "job " + job + ": its target was tuned before (" + there.node().describeTuned() + ", now "
          + there.node().state() + "); nothing changed";
    }
    return "job " + job + ": the job finished while the target was being tuned; its settings are restored ("
        + ((TargetTuner.Applied.RestoredMeanwhile) a).node().describeOriginal() + ")";
  }

  private long targetDocsPerSlice(JobFile.PlanSettings ps, double rate) {
    if (docsPerSlice != null) return positive(docsPerSlice, "--docs-per-slice");
    if (minutesPerSlice != null) {
      if (docsPerSecond == null && ps.docsPerSecond() == null) {
        throw new UsageException("--minutes-per-slice needs --docs-per-second (a worker's measured copy rate)");
      }
      return fromMinutes(minutesPerSlice, rate, "--minutes-per-slice", "--docs-per-second");
    }
    if (ps.docsPerSlice() != null) return positive(ps.docsPerSlice(), "plan.docsPerSlice");
    if (ps.minutesPerSlice() != null && ps.docsPerSecond() != null) {
      return fromMinutes(ps.minutesPerSlice(), ps.docsPerSecond(), "plan.minutesPerSlice", "plan.docsPerSecond");
    }
    throw new UsageException("say how big a slice is: --docs-per-slice N, or --minutes-per-slice M with"
        + " --docs-per-second D (or plan.docsPerSlice in the job file)");
  }

  /** Documents per slice from a slice's minutes at a worker's rate; a product under 1 names both factors. */
  static long fromMinutes(double minutes, double docsPerSecond, String minutesName, String rateName) {
    if (minutes <= 0) throw new UsageException(minutesName + " must be more than 0, not " + minutes);
    if (docsPerSecond <= 0) throw new UsageException(rateName + " must be more than 0, not " + docsPerSecond);
    long docs = Math.round(minutes * 60 * docsPerSecond);
    if (docs < 1) {
      throw new UsageException(String.format(java.util.Locale.ROOT, "%s x %s makes slices of %.3f documents (%s"
          + " minutes x 60 x %s docs/s); a slice needs at least 1: raise either", minutesName, rateName,
          minutes * 60 * docsPerSecond, minutes, docsPerSecond));
    }
    return docs;
  }

  private static long positive(long v, String what) {
    if (v < 1) throw new UsageException(what + " must be at least 1");
    return v;
  }

  private Set<String> selectedTenants(JobFile.PlanSettings ps) throws IOException {
    Set<String> out = new LinkedHashSet<>();
    if (tenants != null) out.addAll(tenants);
    if (tenantsFile != null) {
      if (!Files.isReadable(tenantsFile)) throw new UsageException("--tenants-file " + tenantsFile + " cannot be read");
      Files.readAllLines(tenantsFile).stream().map(String::strip).filter(s -> !s.isEmpty() && !s.startsWith("#"))
          .forEach(out::add);
    }
    if (out.isEmpty() && ps.tenants() != null) out.addAll(ps.tenants());
    return new HashSet<>(out);
  }

  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

  private static JsonNode json(Object o) {
    return o == null ? null : JSON.valueToTree(o);
  }
}

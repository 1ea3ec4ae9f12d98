package io.backfillfleet.cli;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobProgress;
import io.backfillfleet.coordinator.JobStatus;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.JobSummaryReader;
import io.backfillfleet.coordinator.SliceState;
import io.backfillfleet.coordinator.TargetTuningStore;
import io.backfillfleet.coordinator.Versioned;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Shows a job's progress, rate, ETA, stuck claims and failed slices.",
        "Slices by state, documents copied of estimated, the fleet's rate and ETA, held claims with the time since",
        "  their last checkpoint (stuck ones flagged), the first failed slices with their errors.",
        "Answers from the job's per-bucket tallies, so it takes the same time at a thousand slices or a million.",
        "--state, --tenant and --split list single slices instead; they read every slice of the job (seconds per",
        "  100,000)."})
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ZkOptions zk;
  @Mixin FormatOption format;

  @Option(names = "--watch", description = "Redraw every 2 seconds until Ctrl-C or no work is left.")
  boolean watch;

  @Option(names = "--stuck-after", defaultValue = "120", paramLabel = "S",
      description = "Flag a claim whose slice was not checkpointed for S seconds (default ${DEFAULT-VALUE}).")
  int stuckAfter;

  @Option(names = "--state", paramLabel = "STATE",
      description = "List the slices in this state (PENDING, DONE, FAILED) with their tenant, counts and last error.")
  SliceState state;

  @Option(names = "--tenant", paramLabel = "TENANT", description = "List the slices of this tenant (packed ones too).")
  String tenant;

  @Option(names = "--split", description = {"List the slices that were split while running and the successors split",
      "  off them (with --state/--tenant: only those)."})
  boolean split;

  @Option(names = "--verbose", description = "Stack traces on errors.") boolean verbose;

  @Override
  public Integer call() throws InterruptedException {
    String job = zk.job();
    PrintWriter out = spec.commandLine().getOut();
    try (CoordinatorConnection conn = zk.connect()) {
      if (state != null || tenant != null || split) {
        JobStatus all = new JobStatusReader(conn).read(job);
        SliceListView.Selection by = new SliceListView.Selection(state, tenant, split);
        out.print(format.json() ? SliceListView.json(all, by) : SliceListView.table(all, by));
        out.flush();
        return ExitCodes.OK;
      }
      while (true) {
        JobProgress p = JobProgress.of(new JobSummaryReader(conn).read(job), Instant.now(), Duration.ofSeconds(stuckAfter));
        if (watch) out.print("\033[H\033[2J");
        var tuning = new TargetTuningStore(conn).read(job).map(Versioned::value).orElse(null);
        out.print(format.json() ? StatusView.json(p, tuning) : StatusView.table(p));
        if (!format.json()) {
          String tuned = TuneTargetCommand.statusLine(tuning);
          if (tuned != null) out.println(tuned);
        }
        out.flush();
        if (!watch || p.done() + p.failed() + p.corrupt() == p.slices()) return ExitCodes.OK;
        Thread.sleep(2000); // a redraw interval, not a wait on a condition
      }
    }
  }
}

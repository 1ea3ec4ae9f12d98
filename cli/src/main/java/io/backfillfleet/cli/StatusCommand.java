package io.backfillfleet.cli;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobProgress;
import io.backfillfleet.coordinator.JobStatusReader;
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
        "  their last checkpoint (stuck ones flagged), failed slices with their errors."})
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ZkOptions zk;
  @Mixin FormatOption format;

  @Option(names = "--watch", description = "Redraw every 2 seconds until Ctrl-C or no work is left.")
  boolean watch;

  @Option(names = "--stuck-after", defaultValue = "120", paramLabel = "S",
      description = "Flag a claim whose slice was not checkpointed for S seconds (default ${DEFAULT-VALUE}).")
  int stuckAfter;

  @Option(names = "--verbose", description = "Stack traces on errors.") boolean verbose;

  @Override
  public Integer call() throws InterruptedException {
    String job = zk.job();
    PrintWriter out = spec.commandLine().getOut();
    try (CoordinatorConnection conn = zk.connect()) {
      while (true) {
        JobProgress p = JobProgress.of(new JobStatusReader(conn).read(job), Instant.now(), Duration.ofSeconds(stuckAfter));
        if (watch) out.print("\033[H\033[2J");
        out.print(format.json() ? StatusView.json(p) : StatusView.table(p));
        out.flush();
        if (!watch || p.done() + p.failed() + p.corrupt() == p.slices()) return ExitCodes.OK;
        Thread.sleep(2000); // a redraw interval, not a wait on a condition
      }
    }
  }
}

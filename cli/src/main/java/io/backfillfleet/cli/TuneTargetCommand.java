package io.backfillfleet.cli;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobRepository;
import io.backfillfleet.coordinator.JobSpec;
import io.backfillfleet.coordinator.TargetTuningNode;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.Stores;
import io.backfillfleet.worker.JobStores;
import io.backfillfleet.worker.TargetTuner;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** tune-target: the on-call side of --tune-target (Elasticsearch targets). */
@Command(name = "tune-target", mixinStandardHelpOptions = true,
    description = {"Puts an Elasticsearch target's own settings back (--restore), or tunes it for the backfill (--apply).",
        "--tune-target sets refresh_interval -1 and number_of_replicas 0 on the target's indices while the job copies;",
        "  the originals are kept in ZooKeeper and written back when a worker finds no work left.",
        "--restore writes them back now: run it before serving reads from a job's target if the job was abandoned,",
        "  paused for long, or its workers are gone. Safe to run at any time and more than once; the job can go on",
        "  copying (slower), and its target is never tuned again.",
        "--apply tunes the target of a job planned without --tune-target. NEVER while reads are served from the",
        "  target: without refreshes they see no new document, and without replicas a lost node loses data.",
        "  Refused once the job's tuning was restored."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done (or nothing to do)", "2:refused, bad input, or a cluster or ZooKeeper that cannot be used",
        "1:unexpected error (run with --verbose)"})
final class TuneTargetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ZkOptions zk;

  @ArgGroup(exclusive = true, multiplicity = "1") Mode mode;

  static final class Mode {
    @Option(names = "--restore", required = true, description = "Write the target's original settings back.")
    boolean restore;
    @Option(names = "--apply", required = true, description = "Record the target's settings and tune it for the copy.")
    boolean apply;
  }

  @Option(names = "--verbose", description = "Stack traces on errors.") boolean verbose;

  @Override
  public Integer call() {
    String job = zk.job();
    PrintWriter out = spec.commandLine().getOut();
    try (CoordinatorConnection conn = zk.connect()) {
      TargetTuner tuner = new TargetTuner(conn, job, Clock.systemUTC());
      try (SearchStore target = openTarget(conn, job)) {
        if (mode.restore) {
          out.println(describe(job, tuner.restore(target, ControlCommands.who())));
          return ExitCodes.OK;
        }
        TargetTuner.Applied a = tuner.apply(target, ControlCommands.who());
        if (a instanceof TargetTuner.Applied.AlreadyRecorded there && !there.node().inEffect()) {
          throw new UsageException("job " + job + ": " + restoredLine(there.node()) + "; a job's target is not tuned"
              + " again once restored, as reads may be served from it by now");
        }
        out.println(PlanCommand.describe(job, a));
        return ExitCodes.OK;
      }
    }
  }

  /** The job's target, as the job was published with it. */
  static SearchStore openTarget(CoordinatorConnection conn, String job) {
    JobSpec spec = new JobRepository(conn).readSpec(job).orElseThrow(() -> JobRepository.noSuchJob(conn, job));
    return Stores.open("target", JobStores.target(spec));
  }

  static String describe(String job, TargetTuner.Restored r) {
    if (r instanceof TargetTuner.Restored.Now now) {
      return "job " + job + ": the target's settings are restored (" + now.node().describeOriginal() + ")";
    }
    if (r instanceof TargetTuner.Restored.Before before) return "job " + job + ": " + restoredLine(before.node());
    return "job " + job + ": its target was never tuned (planned without --tune-target); nothing to restore";
  }

  private static String restoredLine(TargetTuningNode n) {
    return "the target's settings were restored" + (n.restoredAt() == null ? "" : " at " + n.restoredAt())
        + (n.restoredBy() == null ? "" : " by " + n.restoredBy()) + " (" + n.describeOriginal() + ")";
  }

  /** The line of 'backfill status' while the tuning is in effect, or null. */
  static String statusLine(TargetTuningNode n) {
    if (n == null || !n.inEffect()) return null;
    return "target tuned for the backfill: " + n.describeTuned() + "; restored when the job finishes or by"
        + " 'backfill tune-target --restore'";
  }
}

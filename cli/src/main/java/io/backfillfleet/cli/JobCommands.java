package io.backfillfleet.cli;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.DeadLetters;
import io.backfillfleet.coordinator.JobProgress;
import io.backfillfleet.coordinator.JobRepository;
import io.backfillfleet.coordinator.JobSummaryReader;
import io.backfillfleet.coordinator.OldLayoutException;
import io.backfillfleet.coordinator.NodeCodec;
import io.backfillfleet.coordinator.RejectedDoc;
import io.backfillfleet.coordinator.SliceRejections;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** jobs, delete-job and rejected. */
final class JobCommands {
  private JobCommands() {}

  @Command(name = "jobs", mixinStandardHelpOptions = true, description = "Lists the jobs in ZooKeeper with their progress.")
  static final class Jobs implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ZkOptions zk;
    @Mixin FormatOption format;
    @Option(names = "--verbose", description = "Stack traces on errors.") boolean verbose;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (CoordinatorConnection conn = zk.connect()) {
        var names = new JobRepository(conn).listJobs();
        if (format.json()) {
          out.println("[" + String.join(",", names.stream().map(n -> "\"" + n + "\"").toList()) + "]");
          return ExitCodes.OK;
        }
        if (names.isEmpty()) out.println("no jobs under " + conn.settings().root());
        for (String n : names) {
          JobProgress p;
          try {
            p = JobProgress.of(new JobSummaryReader(conn).read(n), Instant.now(), Duration.ofMinutes(2));
          } catch (OldLayoutException old) {
            out.printf("%-30s published by an older version (old ZooKeeper layout): 'backfill delete-job --job %s'"
                + " and plan it again%n", n, n);
            continue;
          }
          out.printf("%-30s %5.1f%%  %d/%d slices done, %d failed, %d workers%s%n", n, p.percent(), p.done(), p.slices(),
              p.failed(), p.liveWorkers(), p.paused() ? ", PAUSED" : "");
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "delete-job", mixinStandardHelpOptions = true,
      description = {"Deletes a job's nodes from ZooKeeper (no document in any cluster).",
          "Refused while workers hold claims, unless --force.",
          "A target still tuned by --tune-target gets its own settings back first (their only record is in the job);",
          "  if that fails the delete is refused, unless --forget-tuning (then set them back by hand)."})
  static final class DeleteJob implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ZkOptions zk;
    @Option(names = "--force", description = "Delete even while claims are held (their workers get fenced).") boolean force;
    @Option(names = "--forget-tuning",
        description = "Delete even if the target's original settings cannot be restored (the message lists them).")
    boolean forgetTuning;
    @Option(names = "--verbose", description = "Stack traces on errors.") boolean verbose;

    @Override
    public Integer call() {
      String job = zk.job();
      try (CoordinatorConnection conn = zk.connect()) {
        JobRepository jobs = new JobRepository(conn);
        int slices = jobs.readSpec(job).orElseThrow(() -> JobRepository.noSuchJob(conn, job)).sliceCount();
        if (!force) {
          // a job of the old layout cannot be summarised; its workers were stopped by this version's refusal anyway
          int held = 0;
          try {
            held = new JobSummaryReader(conn).read(job).held();
          } catch (OldLayoutException old) {
            // deleted like any other
          }
          if (held > 0) {
            throw new UsageException("job " + job + " has " + held + " held claims (workers are copying);"
                + " stop the workers first, or use --force");
          }
        }
        restoreTuning(conn, job, forgetTuning, spec.commandLine().getOut());
        jobs.delete(job);
        spec.commandLine().getOut().printf("deleted job %s (%d slices)%n", job, slices);
        return ExitCodes.OK;
      }
    }
  }

  /** Restores a target the job still tunes: deleting the job would lose the only record of its own settings. */
  private static void restoreTuning(CoordinatorConnection conn, String job, boolean forget, PrintWriter out) {
    var tuner = new io.backfillfleet.worker.TargetTuner(conn, job, java.time.Clock.systemUTC());
    var node = tuner.read().filter(io.backfillfleet.coordinator.TargetTuningNode::inEffect);
    if (node.isEmpty()) return;
    try (var target = TuneTargetCommand.openTarget(conn, job)) {
      out.println(TuneTargetCommand.describe(job, tuner.restore(target, ControlCommands.who())));
    } catch (io.backfillfleet.store.StoreException e) {
      String originals = node.get().describeOriginal();
      if (!forget) {
        throw new UsageException("job " + job + " still tunes its target and restoring it failed: " + e.getMessage()
            + "; fix that and run delete-job again, or add --forget-tuning and set these back by hand: " + originals);
      }
      out.println("job " + job + ": the target's settings could not be restored (" + e.getMessage() + "); set them"
          + " back by hand: " + originals);
    }
  }

  @Command(name = "rejected", mixinStandardHelpOptions = true,
      description = {"Lists the documents the target rejected, by slice: how many, and the first "
          + SliceRejections.SAMPLE_SIZE + " ids with the target's reason.",
          "Then the documents written with values the target cannot hold as they were (a null in a list, an empty",
          "  list, a null, on Solr), the same way, with what changed (fieldMapping.dropNulls / lossyValues).",
          "A slice's count is of the documents of its window rejected up to where its copy reached; a page copied",
          "  again after a crash or takeover is counted once. Every rejected id is in the workers' rejected.file,",
          "  if the job file names one."})
  static final class Rejected implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ZkOptions zk;
    @Mixin FormatOption format;
    @Option(names = "--verbose", description = "Stack traces on errors.") boolean verbose;

    @Override
    public Integer call() {
      String job = zk.job();
      PrintWriter out = spec.commandLine().getOut();
      try (CoordinatorConnection conn = zk.connect()) {
        List<SliceRejections> slices = new DeadLetters(conn).list(job);
        List<SliceRejections> changed = DeadLetters.changed(conn).list(job);
        if (format.json()) {
          var array = NodeCodec.mapper().createArrayNode();
          for (SliceRejections r : slices) {
            var node = array.addObject().put("slice", r.sliceId()).put("rejected", r.count());
            node.set("sample", NodeCodec.mapper().valueToTree(r.sample()));
          }
          for (SliceRejections r : changed) {
            var node = array.addObject().put("slice", r.sliceId()).put("changed", r.count());
            node.set("sample", NodeCodec.mapper().valueToTree(r.sample()));
          }
          out.println(array);
          return ExitCodes.OK;
        }
        long n = list(out, slices, "rejected", "");
        out.printf("%,d rejected document(s) in job %s, in %d slice(s)%n", n, job, slices.size());
        if (!changed.isEmpty()) {
          // a slice's changed node stops counting once its sample is full: status has every slice's exact count
          long c = list(out, changed, "written with changed values", "at least ");
          out.printf("%,d document(s) written with changed values in job %s, in %d slice(s) ('backfill status' counts"
              + " the finished slices exactly)%n", c, job, changed.size());
        }
        return ExitCodes.OK;
      }
    }

    /** Prints each slice's count and sample; returns the total count. */
    private static long list(PrintWriter out, List<SliceRejections> slices, String what, String whenFull) {
      long n = 0;
      for (SliceRejections r : slices) {
        boolean full = r.sample().size() >= SliceRejections.SAMPLE_SIZE;
        out.printf("%s: %s%,d %s%s%n", r.sliceId(), full ? whenFull : "", r.count(), what,
            r.count() > r.sample().size() ? " (the first " + r.sample().size() + " listed)" : "");
        for (RejectedDoc d : r.sample()) out.printf("  %-30s %s%n", d.id(), d.reason());
        n += r.count();
      }
      return n;
    }
  }
}

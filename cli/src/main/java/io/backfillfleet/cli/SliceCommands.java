package io.backfillfleet.cli;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.SliceAdmin;
import io.backfillfleet.coordinator.WorkNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** retry, release and reset: the on-call actions on slices. */
final class SliceCommands {
  private SliceCommands() {}

  @Command(name = "retry", mixinStandardHelpOptions = true,
      description = "Puts FAILED slices back to PENDING (attempts cleared, cursor kept) so workers take them again.")
  static final class Retry implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ZkOptions zk;

    @ArgGroup(exclusive = true, multiplicity = "1") Which which;

    static final class Which {
      @Option(names = "--slice", paramLabel = "ID", required = true, description = "One slice.") String slice;
      @Option(names = "--failed", required = true, description = "Every FAILED slice.") boolean failed;
    }

    @Option(names = "--verbose", description = "Stack traces on errors.") boolean verbose;

    @Override
    public Integer call() {
      String job = zk.job();
      try (CoordinatorConnection conn = zk.connect()) {
        SliceAdmin admin = new SliceAdmin(conn);
        List<String> ids;
        if (which.failed) {
          ids = admin.retryFailed(job);
        } else {
          admin.retry(job, which.slice);
          ids = List.of(which.slice);
        }
        spec.commandLine().getOut().printf("%d slice(s) back to PENDING%s%n", ids.size(),
            ids.isEmpty() ? "" : ": " + String.join(", ", ids));
        if (!ids.isEmpty()) {
          spec.commandLine().getOut().println("workers pick them up; if none runs, start them ('backfill work --job "
              + job + "')");
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "release", mixinStandardHelpOptions = true,
      description = {"Frees a stuck claim; the old holder is fenced, the next worker resumes.",
          "The slice's epoch moves on, so the old holder, if it still runs, is fenced at its next checkpoint.",
          "Cursor and counts are kept: the next worker resumes where it stopped."})
  static final class Release implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ZkOptions zk;
    @Option(names = "--slice", paramLabel = "ID", required = true, description = "The slice.") String slice;
    @Option(names = "--verbose", description = "Stack traces on errors.") boolean verbose;

    @Override
    public Integer call() {
      try (CoordinatorConnection conn = zk.connect()) {
        WorkNode w = new SliceAdmin(conn).release(zk.job(), slice);
        spec.commandLine().getOut().printf("released slice %s (epoch now %d; resumes at %d documents read)%n", slice,
            w.epoch(), w.docsRead());
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "reset", mixinStandardHelpOptions = true,
      description = {"Starts a slice again from scratch (cursor and counts cleared, any holder fenced).",
          "Safe: writes are create-only, so copying again never overwrites."})
  static final class Reset implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ZkOptions zk;
    @Option(names = "--slice", paramLabel = "ID", required = true, description = "The slice.") String slice;
    @Option(names = "--verbose", description = "Stack traces on errors.") boolean verbose;

    @Override
    public Integer call() {
      try (CoordinatorConnection conn = zk.connect()) {
        WorkNode w = new SliceAdmin(conn).reset(zk.job(), slice);
        // copied again from scratch: its rejections are recounted, so what was recorded before the reset goes
        new io.backfillfleet.coordinator.DeadLetters(conn).clearAfterReset(zk.job(), slice, w.epoch());
        io.backfillfleet.coordinator.DeadLetters.changed(conn).clearAfterReset(zk.job(), slice, w.epoch());
        spec.commandLine().getOut().printf("reset slice %s: PENDING from the start (epoch %d)%n", slice, w.epoch());
        return ExitCodes.OK;
      }
    }
  }
}

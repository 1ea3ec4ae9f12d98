package io.backfillfleet.cli;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobControl;
import io.backfillfleet.coordinator.JobControlStore;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** pause, resume and throttle: written to the job's control node, followed live by every worker. */
final class ControlCommands {
  private ControlCommands() {}

  static String who() {
    return System.getProperty("user.name", "cli");
  }

  static int change(CommandSpec spec, ZkOptions zk, UnaryOperator<JobControl> f, String what) {
    String job = zk.job();
    try (CoordinatorConnection conn = zk.connect()) {
      JobControl c = new JobControlStore(conn).update(job, f);
      spec.commandLine().getOut().printf("job %s: %s (now: %s, throttle %s)%n", job, what, c.paused() ? "paused" : "running",
          c.maxDocsPerSecond() == 0 ? "unlimited" : c.maxDocsPerSecond() + " docs/s");
      return ExitCodes.OK;
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Stops claiming and copying within one page; claims are kept, nothing is lost.")
  static final class Pause implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ZkOptions zk;
    @Option(names = "--verbose", description = "Stack traces on errors.") boolean verbose;

    @Override
    public Integer call() {
      return change(spec, zk, c -> c.withPaused(true, who(), Instant.now()), "paused");
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Lets a paused job copy again.")
  static final class Resume implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ZkOptions zk;
    @Option(names = "--verbose", description = "Stack traces on errors.") boolean verbose;

    @Override
    public Integer call() {
      return change(spec, zk, c -> c.withPaused(false, who(), Instant.now()), "resumed");
    }
  }

  @Command(name = "throttle", mixinStandardHelpOptions = true,
      description = {"Sets the job's total docs/s budget, shared by the live workers.",
          "The budget is followed without a restart.",
          "0 removes the limit. Use it when the target is overloaded."})
  static final class Throttle implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ZkOptions zk;
    @Option(names = "--docs-per-second", required = true, paramLabel = "N", description = "The budget; 0 = unlimited.")
    long rate;
    @Option(names = "--verbose", description = "Stack traces on errors.") boolean verbose;

    @Override
    public Integer call() {
      if (rate < 0) throw new UsageException("--docs-per-second cannot be negative");
      return change(spec, zk, c -> c.withMaxDocsPerSecond(rate, who(), Instant.now()),
          rate == 0 ? "throttle removed" : "throttled to " + rate + " docs/s");
    }
  }
}

package io.backfillfleet.cli;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobControl;
import io.backfillfleet.coordinator.JobControlStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
      spec.commandLine().getOut().printf("job %s: %s (now: %s, throttle %s, %s, %s)%n", job, what,
          c.paused() ? "paused" : "running", c.maxDocsPerSecond() == 0 ? "unlimited" : c.maxDocsPerSecond() + " docs/s",
          slicesInFlight(c), splitting(c));
      return ExitCodes.OK;
    }
  }

  static String splitting(JobControl c) {
    return c.splitAllowed() ? "split: auto" : "split: off";
  }

  static String slicesInFlight(JobControl c) {
    return c.maxSlicesInFlight() == 0 ? "slices in flight: each worker's own limit"
        : "at most " + c.maxSlicesInFlight() + " slices in flight job-wide";
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

  @Command(name = "split", mixinStandardHelpOptions = true,
      description = {"Turns the splitting of running slices off or back on for the whole job, followed live.",
          "auto: each worker splits a long slice while others are idle, as its own --split says (the default).",
          "off: no worker splits; slices already split stay split (each part is a slice of its own)."})
  static final class Split implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ZkOptions zk;
    @picocli.CommandLine.Parameters(index = "0", paramLabel = "auto|off", description = "auto or off.")
    String mode;
    @Option(names = "--verbose", description = "Stack traces on errors.") boolean verbose;

    @Override
    public Integer call() {
      if (!JobControl.SPLIT_AUTO.equals(mode) && !JobControl.SPLIT_OFF.equals(mode)) {
        throw new UsageException("say auto or off, not '" + mode + "'");
      }
      return change(spec, zk, c -> c.withSplit(mode, who(), Instant.now()),
          mode.equals(JobControl.SPLIT_OFF) ? "splitting of running slices off" : "splitting of running slices on");
    }
  }

  @Command(name = "throttle", mixinStandardHelpOptions = true,
      description = {"Sets the job's total docs/s budget and/or its job-wide cap on slices copied at once, each shared",
          "by the live workers and followed without a restart. 0 removes a limit.",
          "Use it when a cluster is overloaded: --slices-in-flight caps the searches and bulks the whole fleet sends",
          "at once however many workers run (each worker also adapts below its share by itself)."})
  static final class Throttle implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ZkOptions zk;
    @Option(names = "--docs-per-second", paramLabel = "N", description = "The budget; 0 = unlimited.")
    Long rate;
    @Option(names = "--slices-in-flight", paramLabel = "N",
        description = "The most slices the whole fleet copies at once; 0 = each worker's own limit.")
    Integer slices;
    @Option(names = "--verbose", description = "Stack traces on errors.") boolean verbose;

    @Override
    public Integer call() {
      if (rate == null && slices == null) {
        throw new UsageException("say what to limit: --docs-per-second N and/or --slices-in-flight N (0 removes a limit)");
      }
      if (rate != null && rate < 0) throw new UsageException("--docs-per-second cannot be negative");
      if (slices != null && slices < 0) throw new UsageException("--slices-in-flight cannot be negative");
      List<String> what = new ArrayList<>();
      if (rate != null) what.add(rate == 0 ? "docs/s throttle removed" : "throttled to " + rate + " docs/s");
      if (slices != null) what.add(slices == 0 ? "job-wide slices cap removed" : "capped at " + slices + " slices in flight");
      return change(spec, zk, c -> {
        JobControl n = rate == null ? c : c.withMaxDocsPerSecond(rate, who(), Instant.now());
        return slices == null ? n : n.withMaxSlicesInFlight(slices, who(), Instant.now());
      }, String.join(", ", what));
    }
  }
}

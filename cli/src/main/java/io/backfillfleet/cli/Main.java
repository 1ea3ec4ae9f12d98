package io.backfillfleet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code backfill} command: one subcommand per task of the migration. */
@Command(name = "backfill", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Copies the history of a multi-tenant Solr, Elasticsearch or OpenSearch cluster into a new one,"
        + " create-only, with a ZooKeeper-coordinated fleet of workers.",
    subcommands = {PlanCommand.class, WorkCommand.class, StatusCommand.class, JobCommands.Jobs.class,
        SliceCommands.Retry.class, SliceCommands.Release.class, SliceCommands.Reset.class, ControlCommands.Pause.class,
        ControlCommands.Resume.class, ControlCommands.Throttle.class, ControlCommands.Split.class, JobCommands.Rejected.class,
        VerifyCommands.Verify.class, VerifyCommands.Repair.class, JobCommands.DeleteJob.class,
        TuneTargetCommand.class, ReadCheckCommands.Compare.class, ReadCheckCommands.Mirror.class,
        CommandLine.HelpCommand.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
  }

  static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    return new CommandLine(new Main()).setOut(out).setErr(err).setExecutionExceptionHandler(new ExitCodes())
        .setParameterExceptionHandler((ex, a) -> {
          ex.getCommandLine().getErr().println("backfill: " + ex.getMessage());
          ex.getCommandLine().getErr().println("(see 'backfill " + ex.getCommandLine().getCommandName() + " --help')");
          return ExitCodes.BAD_INPUT;
        })
        .execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"backfill-fleet " + (v == null ? "development build" : v)};
    }
  }
}

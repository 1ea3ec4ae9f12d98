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
  /** Read by log4j2.xml's arbiter when logging starts: it must be set before the first logger is made. */
  static final String LOG_FORMAT_PROPERTY = "backfill.log.format";
  /** Read by log4j2.xml too: libraries log their stack traces only with --verbose. */
  static final String VERBOSE_PROPERTY = "backfill.verbose";

  /** How log lines look: text for a terminal, one JSON object per line for a log aggregator. */
  enum LogFormat { plain, json }

  @CommandLine.Option(names = "--log-format", scope = CommandLine.ScopeType.INHERIT, paramLabel = "plain|json",
      description = {"Log lines as text (plain, the default) or one JSON object per line with time, level, job,"
          + " worker, slice, message and exception (json: for Loki, Elasticsearch or Cloud Logging).",
          "Also set by the environment variable BACKFILL_LOG_FORMAT."})
  LogFormat logFormat;

  public static void main(String[] args) {
    chooseLogFormat(args, System.getenv("BACKFILL_LOG_FORMAT"));
    System.exit(run(args));
  }

  /** Whether log lines are JSON: then messages for the operator go through the log too, one object per line. */
  static boolean jsonLogs() {
    return "json".equals(System.getProperty(LOG_FORMAT_PROPERTY));
  }

  /**
   * Picks the log format before logging starts (picocli parses later, after command classes, and their loggers,
   * are loaded): the last {@code --log-format} given wins, else the environment's. An unknown value is left to
   * picocli, which refuses it with a usage error.
   */
  static void chooseLogFormat(String[] args, String fromEnvironment) {
    String chosen = fromEnvironment;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--log-format") && i + 1 < args.length) chosen = args[i + 1];
      else if (args[i].startsWith("--log-format=")) chosen = args[i].substring("--log-format=".length());
    }
    if ("json".equals(chosen)) System.setProperty(LOG_FORMAT_PROPERTY, "json");
    // libraries' stack traces only on request (log4j2.xml); the option itself is each command's, parsed later
    if (java.util.Arrays.asList(args).contains("--verbose")) System.setProperty(VERBOSE_PROPERTY, "true");
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

package io.backfillfleet.cli;

import io.backfillfleet.coordinator.CoordinationException;
import io.backfillfleet.store.StoreException;
import picocli.CommandLine;

/**
 * Exit codes: 0 done, 2 bad input or an unreachable/unusable cluster (a message says which and what to do),
 * 1 anything unexpected. No stack trace unless --verbose.
 */
final class ExitCodes implements CommandLine.IExecutionExceptionHandler {
  static final int OK = 0;
  static final int UNEXPECTED = 1;
  static final int BAD_INPUT = 2;

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    boolean verbose = parsed.hasMatchedOption("--verbose")
        || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
    boolean known = e instanceof UsageException || e instanceof StoreException || e instanceof CoordinationException
        || e instanceof IllegalArgumentException;
    if (Main.jsonLogs()) { // a pod's log aggregator gets one JSON object, the stack trace in its exception field
      org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("backfill");
      String message = (known ? "" : "unexpected error: ") + e.getMessage();
      if (known && !verbose) log.error(message);
      else log.error(message, e);
      return known ? BAD_INPUT : UNEXPECTED;
    }
    cmd.getErr().println("backfill: " + (known ? "" : "unexpected error: ") + e.getMessage());
    if (verbose) e.printStackTrace(cmd.getErr());
    else if (!known) cmd.getErr().println("(run again with --verbose for the stack trace)");
    return known ? BAD_INPUT : UNEXPECTED;
  }
}

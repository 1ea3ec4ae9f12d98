package io.backfillfleet.cli;

import io.backfillfleet.coordinator.CoordinationException;
import io.backfillfleet.store.StoreException;
import picocli.CommandLine;

/**
 * Exit codes: 0 done, 2 bad input or an unusable cluster (a message says which and what to do), 4 a cluster or
 * ZooKeeper that did not answer within its retries (nothing was lost; the same command later may succeed), 1
 * anything unexpected. No stack trace unless --verbose. 2 and 4 are apart because a Kubernetes Job treats them
 * apart: the chart fails the worker Job at once on 2 (retrying a wrong job file cannot help), while a worker pod
 * that exits 4 during a cluster restart is started again within the Job's {@code backoffLimit}.
 */
final class ExitCodes implements CommandLine.IExecutionExceptionHandler {
  static final int OK = 0;
  static final int UNEXPECTED = 1;
  static final int BAD_INPUT = 2;
  static final int UNAVAILABLE = 4;

  /** 4 for a store or ZooKeeper that did not answer, else 2 for what the message names, 1 for a bug. */
  static int of(Exception e) {
    if (e instanceof io.backfillfleet.store.StoreUnavailableException
        || e instanceof io.backfillfleet.coordinator.CoordinatorUnavailableException) {
      return UNAVAILABLE;
    }
    return known(e) ? BAD_INPUT : UNEXPECTED;
  }

  private static boolean known(Exception e) {
    return e instanceof UsageException || e instanceof StoreException || e instanceof CoordinationException
        || e instanceof IllegalArgumentException;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    boolean verbose = parsed.hasMatchedOption("--verbose")
        || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
    boolean known = known(e);
    if (Main.jsonLogs()) { // a pod's log aggregator gets one JSON object, the stack trace in its exception field
      org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("backfill");
      String message = (known ? "" : "unexpected error: ") + e.getMessage();
      if (known && !verbose) log.error(message);
      else log.error(message, e);
      return of(e);
    }
    cmd.getErr().println("backfill: " + (known ? "" : "unexpected error: ") + e.getMessage());
    if (verbose) e.printStackTrace(cmd.getErr());
    else if (!known) cmd.getErr().println("(run again with --verbose for the stack trace)");
    return of(e);
  }
}

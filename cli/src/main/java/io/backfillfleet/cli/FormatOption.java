package io.backfillfleet.cli;

import picocli.CommandLine.Option;

/** --format table|json for the on-call commands. */
final class FormatOption {
  @Option(names = "--format", defaultValue = "table", paramLabel = "table|json",
      description = "Output for a person (table, default) or a script (json).")
  String format;

  boolean json() {
    if (!format.equals("table") && !format.equals("json")) {
      throw new UsageException("--format must be table or json, not '" + format + "'");
    }
    return format.equals("json");
  }
}

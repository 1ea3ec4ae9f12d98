package io.backfillfleet.cli;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobSpec;
import io.backfillfleet.coordinator.JobRepository;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.Stores;
import io.backfillfleet.store.TenantSpan;
import io.backfillfleet.worker.JobStores;
import io.backfillfleet.worker.Repairer;
import io.backfillfleet.worker.Verifier;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** verify and repair: step 3 of the migration. */
final class VerifyCommands {
  private VerifyCommands() {}

  static JobSpec spec(CoordinatorConnection conn, String job) {
    return new JobRepository(conn).readSpec(job).orElseThrow(() -> JobRepository.noSuchJob(conn, job));
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Compares source and target slice by slice before reads are cut over.",
          "Counts every copied slice's window on both clusters after a commit/refresh on both;",
          "  with --ids it compares the ids too (do this once before cut-over).",
          "A mismatch is counted again after --settle-seconds before it is reported.",
          "Results are stored in the work nodes: a second run skips verified slices unless --again.",
          "A slice reset or claimed again while it was verified is reported as changed, not recorded.",
          "It also checks that the slices cover the source: documents in no slice must be in the target too",
          "  (live dual-writes); otherwise it reports them as a mismatch.",
          "Exit code 3 while mismatches, uncopied or changed slices remain."},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:every slice copied and equal",
          "3:mismatches, slices not copied yet or changed while verified", "2:bad input", "1:unexpected error"})
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ZkOptions zk;
    @Option(names = "--again", description = "Verify slices verified before, too.") boolean again;
    @Option(names = "--ids", description = {"Compare the id sets of every slice too, not only the counts (reads every id"
        + " on both clusters: slower), and list the ids missing in / extra in the target.",
        "Counts alone cannot see a lost document next to an extra one in the same slice."}) boolean ids;
    @Option(names = "--settle-seconds", defaultValue = "5", paramLabel = "S",
        description = "Wait before re-counting a mismatch (default ${DEFAULT-VALUE}).") int settle;
    @Option(names = "--verbose", description = "Stack traces on errors.") boolean verbose;

    @Override
    public Integer call() {
      String job = zk.job();
      PrintWriter out = spec.commandLine().getOut();
      try (CoordinatorConnection conn = zk.connect()) {
        JobSpec js = spec(conn, job);
        try (SearchStore source = Stores.open("source", JobStores.source(js));
             SearchStore target = Stores.open("target", JobStores.target(js))) {
          requireBoth(source, target);
          Verifier.Report r = new Verifier(conn, source, target, Duration.ofSeconds(settle), Clock.systemUTC())
              .verify(job, again, ids);
          for (Verifier.SliceResult s : r.results()) {
            for (Verifier.WindowResult m : s.mismatched()) { // a packed slice: one line per tenant that differs
              out.printf("MISMATCH %s (%s %s): source %d, target %d%n", s.sliceId(), TenantSpan.label(m.tenant()),
                  m.window(), m.sourceCount(), m.targetCount());
              m.missing().stream().limit(50).forEach(id -> out.println("  missing in target: " + id));
              m.extra().stream().limit(50).forEach(id -> out.println("  extra in target:   " + id));
            }
          }
          for (String id : r.changedSince()) {
            out.printf("CHANGED %s: reset or claimed again while it was verified; not recorded, verify it again%n", id);
          }
          out.printf("verified %d slices: %d equal, %d mismatched; %d skipped (verified before); %d not copied yet%s%n",
              r.results().size(), r.results().size() - r.mismatches(), r.mismatches(), r.skippedAsVerified(),
              r.notDone().size(), r.changedSince().isEmpty() ? "" : "; " + r.changedSince().size()
                  + " changed while verified");
          out.println(r.coverage().describe());
          if (r.mismatches() > 0) out.println("repair with 'backfill repair --job " + job + "', then verify again");
          return r.clean() ? ExitCodes.OK : 3;
        }
      }
    }
  }

  @Command(name = "repair", mixinStandardHelpOptions = true,
      description = {"Fixes the slices the last verify found mismatched.",
          "Copies the missing documents again, create-only.",
          "With --delete-extra it also deletes target documents the source lacks: confirmed gone again after",
          "  --settle-seconds and only at the version seen before, so a concurrent live write is never deleted.",
          "Run 'backfill verify --again' afterwards."})
  static final class Repair implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ZkOptions zk;
    @Option(names = "--delete-extra", description = "Also delete target documents the source does not have.")
    boolean deleteExtra;
    @Option(names = "--settle-seconds", defaultValue = "5", paramLabel = "S",
        description = "With --delete-extra: wait before confirming a document gone; longer than the dual-writer's"
            + " lag between its two writes (default ${DEFAULT-VALUE}).") int settle;
    @Option(names = "--verbose", description = "Stack traces on errors.") boolean verbose;

    @Override
    public Integer call() {
      String job = zk.job();
      try (CoordinatorConnection conn = zk.connect()) {
        JobSpec js = spec(conn, job);
        try (SearchStore source = Stores.open("source", JobStores.source(js));
             SearchStore target = Stores.open("target", JobStores.target(js))) {
          requireBoth(source, target);
          Repairer.Result r = new Repairer(conn, source, target, JobStores.mapping(js),
              Duration.ofSeconds(settle)).repair(job, deleteExtra);
          spec.commandLine().getOut().printf("repaired %d slices: %d documents created, %d deleted (%d of them"
              + " written by repair and deleted live meanwhile)%n", r.slices(), r.created(), r.deleted(),
              r.deletedAfterRecheck());
          return ExitCodes.OK;
        }
      }
    }
  }

  /** A collection or index that is gone is bad input (exit 2), named before any slice is looked at. */
  private static void requireBoth(SearchStore source, SearchStore target) {
    source.requireExists();
    target.requireExists();
  }
}

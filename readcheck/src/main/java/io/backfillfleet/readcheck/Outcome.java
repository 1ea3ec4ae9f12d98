package io.backfillfleet.readcheck;

import java.time.Instant;
import java.util.List;

/**
 * One compared read: the pair asked, both answers (the re-asked ones when a first difference did not settle),
 * what differs, and whether a first difference went away when asked again after the settle delay (replication or
 * dual-write lag, not a mismatch).
 */
public record Outcome(QueryPair pair, String shape, Answer legacy, Answer candidate, long legacyNanos, long candidateNanos,
    List<Difference> differences, boolean settled, Instant at) {

  public boolean mismatch() {
    return !differences.isEmpty();
  }

  /** How bad: the kinds' weights summed, for "worst mismatches first". */
  public int severity() {
    return differences.stream().mapToInt(d -> d.kind().weight).sum();
  }
}

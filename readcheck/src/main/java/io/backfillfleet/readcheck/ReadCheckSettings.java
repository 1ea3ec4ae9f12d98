package io.backfillfleet.readcheck;

import java.time.Duration;
import java.util.List;

/**
 * How reads are compared and judged, for the mirror and the replayer alike.
 *
 * @param ignore         ignore rules added to the defaults (or replacing them when {@code noDefaultIgnores})
 * @param settle         how long to wait before asking a differing read again (0: count at once)
 * @param legacyUrl      where to send legacy reads instead of the job's endpoints (or Solr's live nodes); may be null
 * @param newUrl         the same for the new cluster; may be null
 */
public record ReadCheckSettings(List<String> ignore, boolean noDefaultIgnores, Duration settle, ReadinessGate gate,
    String legacyUrl, String newUrl) {

  public ReadCheckSettings {
    ignore = ignore == null ? List.of() : List.copyOf(ignore);
    if (settle.isNegative()) throw new IllegalArgumentException("--settle-seconds must not be negative");
  }

  public IgnoreRules ignoreRules() {
    return noDefaultIgnores ? IgnoreRules.only(ignore) : IgnoreRules.withDefaults(ignore);
  }
}

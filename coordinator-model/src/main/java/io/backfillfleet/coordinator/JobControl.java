package io.backfillfleet.coordinator;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The control node {@code /backfill/jobs/<job>/control}, written by on-call and followed live by workers.
 *
 * @param maxDocsPerSecond   the budget shared by all live workers of the job; 0 means unlimited
 * @param maxSlicesInFlight  the most slices the whole fleet copies at once, split between the live workers; 0 means
 *                           each worker's own limit (its --concurrency, lowered by its adaptive limit)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobControl(int schema, boolean paused, long maxDocsPerSecond, Instant updatedAt, String updatedBy,
    int maxSlicesInFlight) {

  public static final int SCHEMA = 1;
  public static final JobControl DEFAULT = new JobControl(SCHEMA, false, 0, null, null, 0);

  public JobControl {
    if (maxDocsPerSecond < 0) throw new IllegalArgumentException("maxDocsPerSecond cannot be negative");
    if (maxSlicesInFlight < 0) throw new IllegalArgumentException("maxSlicesInFlight cannot be negative");
  }

  public JobControl withPaused(boolean p, String by, Instant now) {
    return new JobControl(SCHEMA, p, maxDocsPerSecond, now, by, maxSlicesInFlight);
  }

  public JobControl withMaxDocsPerSecond(long rate, String by, Instant now) {
    return new JobControl(SCHEMA, paused, rate, now, by, maxSlicesInFlight);
  }

  public JobControl withMaxSlicesInFlight(int slices, String by, Instant now) {
    return new JobControl(SCHEMA, paused, maxDocsPerSecond, now, by, slices);
  }
}

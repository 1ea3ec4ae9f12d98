package io.backfillfleet.coordinator;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The control node {@code /backfill/jobs/<job>/control}, written by on-call and followed live by workers.
 *
 * @param maxDocsPerSecond the budget shared by all live workers of the job; 0 means unlimited
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobControl(int schema, boolean paused, long maxDocsPerSecond, Instant updatedAt, String updatedBy) {

  public static final int SCHEMA = 1;
  public static final JobControl DEFAULT = new JobControl(SCHEMA, false, 0, null, null);

  public JobControl {
    if (maxDocsPerSecond < 0) throw new IllegalArgumentException("maxDocsPerSecond cannot be negative");
  }

  public JobControl withPaused(boolean p, String by, Instant now) {
    return new JobControl(SCHEMA, p, maxDocsPerSecond, now, by);
  }

  public JobControl withMaxDocsPerSecond(long rate, String by, Instant now) {
    return new JobControl(SCHEMA, paused, rate, now, by);
  }
}

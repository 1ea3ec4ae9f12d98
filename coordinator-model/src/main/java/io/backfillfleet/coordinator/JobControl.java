package io.backfillfleet.coordinator;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The control node {@code /backfill/jobs/<job>/control}, written by on-call and followed live by workers.
 *
 * @param maxDocsPerSecond   the budget shared by all live workers of the job; 0 means unlimited
 * @param maxSlicesInFlight  the most slices the whole fleet copies at once, split between the live workers; 0 means
 *                           each worker's own limit (its --concurrency, lowered by its adaptive limit)
 * @param split              {@code off}: no worker splits a running slice; {@code auto} or absent: each worker as its
 *                           own {@code --split} says (issue 18)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobControl(int schema, boolean paused, long maxDocsPerSecond, Instant updatedAt, String updatedBy,
    int maxSlicesInFlight, String split) {

  public static final int SCHEMA = 1;
  public static final String SPLIT_AUTO = "auto";
  public static final String SPLIT_OFF = "off";
  public static final JobControl DEFAULT = new JobControl(SCHEMA, false, 0, null, null, 0, null);

  public JobControl {
    if (maxDocsPerSecond < 0) throw new IllegalArgumentException("maxDocsPerSecond cannot be negative");
    if (maxSlicesInFlight < 0) throw new IllegalArgumentException("maxSlicesInFlight cannot be negative");
    if (split != null && !split.equals(SPLIT_AUTO) && !split.equals(SPLIT_OFF)) {
      throw new IllegalArgumentException("split must be 'auto' or 'off', not '" + split + "'");
    }
  }

  public JobControl(int schema, boolean paused, long maxDocsPerSecond, Instant updatedAt, String updatedBy,
      int maxSlicesInFlight) {
    this(schema, paused, maxDocsPerSecond, updatedAt, updatedBy, maxSlicesInFlight, null);
  }

  /** Whether workers may split running slices (each still as its own {@code --split} says). */
  @JsonIgnore
  public boolean splitAllowed() {
    return !SPLIT_OFF.equals(split);
  }

  public JobControl withPaused(boolean p, String by, Instant now) {
    return new JobControl(SCHEMA, p, maxDocsPerSecond, now, by, maxSlicesInFlight, split);
  }

  public JobControl withMaxDocsPerSecond(long rate, String by, Instant now) {
    return new JobControl(SCHEMA, paused, rate, now, by, maxSlicesInFlight, split);
  }

  public JobControl withMaxSlicesInFlight(int slices, String by, Instant now) {
    return new JobControl(SCHEMA, paused, maxDocsPerSecond, now, by, slices, split);
  }

  public JobControl withSplit(String mode, String by, Instant now) {
    return new JobControl(SCHEMA, paused, maxDocsPerSecond, now, by, maxSlicesInFlight, mode);
  }
}

package io.backfillfleet.coordinator;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** The ephemeral claim node {@code /backfill/jobs/<job>/claims/<sliceId>}: who holds the slice now. */
public record ClaimInfo(
    @JsonProperty(required = true) int schema,
    @JsonProperty(required = true) String workerId,
    String host,
    Instant claimedAt,
    @JsonProperty(required = true) long epoch) {

  public static final int SCHEMA = 1;

  public ClaimInfo {
    if (workerId == null || workerId.isEmpty()) throw new IllegalArgumentException("workerId is missing");
  }
}

package io.backfillfleet.coordinator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One tenant's window within a slice: {@code [from, to)}, or, when {@code missingTimestamp} is set, the tenant's
 * documents without a timestamp. A null {@code tenant} (written as an explicit {@code "tenant": null}) is the
 * documents without a tenant value, as in {@link WorkNode}. A plain slice has one part (its own window, see
 * {@link WorkNode#windows()}); a packed slice carries several, one or two per small tenant.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SlicePart(
    @JsonProperty(required = true) @JsonInclude(JsonInclude.Include.ALWAYS) String tenant,
    Instant from,
    Instant to,
    // omitted when false: a packed node carries up to a thousand parts, and this keeps each one short
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean missingTimestamp,
    long estimatedDocs) {

  public SlicePart {
    if (missingTimestamp) {
      if (from != null || to != null) throw new IllegalArgumentException("a part without timestamps has no 'from'/'to'");
    } else {
      if (from == null || to == null) throw new IllegalArgumentException("a time part needs both 'from' and 'to'");
      if (!from.isBefore(to)) throw new IllegalArgumentException("'from' " + from + " must be before 'to' " + to);
    }
  }

  public static SlicePart window(String tenant, Instant from, Instant to, long estimatedDocs) {
    return new SlicePart(tenant, from, to, false, estimatedDocs);
  }

  public static SlicePart withoutTimestamp(String tenant, long estimatedDocs) {
    return new SlicePart(tenant, null, null, true, estimatedDocs);
  }

  /** The part holds documents without a tenant value. */
  public boolean missingTenant() {
    return tenant == null;
  }
}

package io.backfillfleet.coordinator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * The persistent work node of one slice: {@code /backfill/jobs/<job>/slices/<sliceId>}.
 *
 * <p>A slice is a tenant's half-open time window {@code [from, to)}, or, when {@code missingTimestamp}
 * is set, all of that tenant's documents that have no timestamp. A null {@code tenant}, written as an explicit
 * {@code "tenant": null}, is the documents that have no tenant value (the empty string is a tenant like any other);
 * a node without a {@code tenant} property is refused as corrupt. The owner and epoch say who claimed it
 * last; the claim node (ephemeral) says whether someone holds it now. {@code docsRejected} is the count at the
 * checkpoint; which documents were rejected is kept in one place, {@link SliceRejections}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkNode(
    @JsonProperty(required = true) int schema,
    @JsonProperty(required = true) @JsonInclude(JsonInclude.Include.ALWAYS) String tenant,
    Instant from,
    Instant to,
    boolean missingTimestamp,
    long estimatedDocs,
    @JsonProperty(required = true) SliceState state,
    @JsonProperty(required = true) long epoch,
    String owner,
    String cursor,
    long docsRead,
    long docsCreated,
    long docsAlreadyPresent,
    long docsRejected,
    long docsDeletedAfterRecheck,
    int attempts,
    String lastError,
    Instant updatedAt,
    SliceVerification verify) {

  public static final int SCHEMA = 1;

  public WorkNode {
    if (schema > SCHEMA) {
      throw new IllegalArgumentException("schema " + schema + " is newer than this version understands (" + SCHEMA
          + "); upgrade backfill-fleet");
    }
    if (state == null) throw new IllegalArgumentException("state is missing");
    if (!missingTimestamp && (from == null || to == null)) {
      throw new IllegalArgumentException("a time slice needs both 'from' and 'to'");
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("'from' " + from + " must be before 'to' " + to);
    }
  }

  /** A new, never-claimed slice of a time window. */
  public static WorkNode pending(String tenant, Instant from, Instant to, long estimatedDocs) {
    return new WorkNode(SCHEMA, tenant, from, to, false, estimatedDocs, SliceState.PENDING, 0, null, null,
        0, 0, 0, 0, 0, 0, null, null, null);
  }

  /** A new slice for the documents of a tenant that have no timestamp. */
  public static WorkNode pendingWithoutTimestamp(String tenant, long estimatedDocs) {
    return new WorkNode(SCHEMA, tenant, null, null, true, estimatedDocs, SliceState.PENDING, 0, null, null,
        0, 0, 0, 0, 0, 0, null, null, null);
  }

  /** The slice holds documents without a tenant value. */
  public boolean missingTenant() {
    return tenant == null;
  }

  public CopyProgress progress() {
    return new CopyProgress(docsRead, docsCreated, docsAlreadyPresent, docsRejected, docsDeletedAfterRecheck);
  }

  WorkNode claimedBy(String newOwner, long newEpoch, Instant now) {
    return new WorkNode(schema, tenant, from, to, missingTimestamp, estimatedDocs, state, newEpoch, newOwner, cursor,
        docsRead, docsCreated, docsAlreadyPresent, docsRejected, docsDeletedAfterRecheck, attempts,
        lastError, now, verify);
  }

  WorkNode checkpointed(CursorCheckpoint checkpoint, Instant now) {
    CopyProgress p = checkpoint.progress();
    return new WorkNode(schema, tenant, from, to, missingTimestamp, estimatedDocs, state, epoch, owner,
        checkpoint.cursor(), p.docsRead(), p.docsCreated(), p.docsAlreadyPresent(), p.docsRejected(),
        p.docsDeletedAfterRecheck(), attempts, lastError, now, verify);
  }

  WorkNode inState(SliceState newState, int newAttempts, String error, Instant now) {
    return new WorkNode(schema, tenant, from, to, missingTimestamp, estimatedDocs, newState, epoch, owner, cursor,
        docsRead, docsCreated, docsAlreadyPresent, docsRejected, docsDeletedAfterRecheck,
        newAttempts, error, now, verify);
  }

  /** Back to the start of the window: cursor and counts cleared (an operator's "reset"). */
  WorkNode restarted(long newEpoch, Instant now) {
    return new WorkNode(schema, tenant, from, to, missingTimestamp, estimatedDocs, SliceState.PENDING, newEpoch, null,
        null, 0, 0, 0, 0, 0, 0, null, now, null);
  }

  WorkNode verified(SliceVerification result) {
    return new WorkNode(schema, tenant, from, to, missingTimestamp, estimatedDocs, state, epoch, owner, cursor,
        docsRead, docsCreated, docsAlreadyPresent, docsRejected, docsDeletedAfterRecheck, attempts,
        lastError, updatedAt, result);
  }

  /** Fences the last owner without claiming: the epoch moves on, the owner is cleared. */
  WorkNode releasedByOperator(Instant now) {
    return new WorkNode(schema, tenant, from, to, missingTimestamp, estimatedDocs, state, epoch + 1, null, cursor,
        docsRead, docsCreated, docsAlreadyPresent, docsRejected, docsDeletedAfterRecheck, attempts,
        lastError, now, verify);
  }
}

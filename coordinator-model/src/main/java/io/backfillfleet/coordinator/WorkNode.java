package io.backfillfleet.coordinator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * The persistent work node of one slice: {@code /backfill/jobs/<job>/slices/<sliceId>}.
 *
 * <p>A slice is a tenant's half-open time window {@code [from, to)}, or, when {@code missingTimestamp}
 * is set, all of that tenant's documents that have no timestamp. A null {@code tenant}, written as an explicit
 * {@code "tenant": null}, is the documents that have no tenant value (the empty string is a tenant like any other);
 * a node without a {@code tenant} property is refused as corrupt. The owner and epoch say who claimed it
 * last; the claim node (ephemeral) says whether someone holds it now. {@code docsRejected} is the count at the
 * checkpoint; which documents were rejected is kept in one place, {@link SliceRejections}.
 *
 * <p>A <em>packed</em> slice covers the windows of several small tenants ({@code parts}, absent on a plain slice): one
 * claim, one cursor and one settle delay for all of them. Its own {@code tenant}, {@code from} and {@code to} are
 * null and mean nothing; readers of a slice's windows use {@link #windows()}, which works for both kinds. Packed
 * nodes are written with schema {@value #PACKED_SCHEMA}, so a version that does not know parts refuses them with
 * "upgrade" instead of copying nothing.
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
    SliceVerification verify,
    List<SlicePart> parts,
    SliceLineage lineage,
    // left out while 0: nodes of jobs without changed values stay as older versions wrote and read them
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long docsChanged) {

  /** The newest schema this version reads. */
  public static final int SCHEMA = 2;
  /** Plain slices are still written with schema 1, so older workers keep reading them. */
  public static final int PLAIN_SCHEMA = 1;
  public static final int PACKED_SCHEMA = 2;

  public WorkNode {
    if (schema > SCHEMA) {
      throw new IllegalArgumentException("schema " + schema + " is newer than this version understands (" + SCHEMA
          + "); upgrade backfill-fleet");
    }
    if (state == null) throw new IllegalArgumentException("state is missing");
    if (parts != null) {
      if (parts.isEmpty()) throw new IllegalArgumentException("a packed slice needs at least one part");
      for (SlicePart p : parts) if (p == null) throw new IllegalArgumentException("a packed slice has an empty part");
      if (tenant != null || from != null || to != null || missingTimestamp) {
        throw new IllegalArgumentException("a packed slice has its windows in 'parts' only, not in tenant/from/to");
      }
      parts = List.copyOf(parts);
    } else if (!missingTimestamp && (from == null || to == null)) {
      throw new IllegalArgumentException("a time slice needs both 'from' and 'to'");
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("'from' " + from + " must be before 'to' " + to);
    }
  }

  /** A plain slice (no parts): the shape before packed slices, kept so existing callers need no change. */
  public WorkNode(int schema, String tenant, Instant from, Instant to, boolean missingTimestamp, long estimatedDocs,
      SliceState state, long epoch, String owner, String cursor, long docsRead, long docsCreated,
      long docsAlreadyPresent, long docsRejected, long docsDeletedAfterRecheck, int attempts, String lastError,
      Instant updatedAt, SliceVerification verify) {
    this(schema, tenant, from, to, missingTimestamp, estimatedDocs, state, epoch, owner, cursor, docsRead, docsCreated,
        docsAlreadyPresent, docsRejected, docsDeletedAfterRecheck, attempts, lastError, updatedAt, verify, null, null, 0);
  }

  /** A new, never-claimed slice of a time window. */
  public static WorkNode pending(String tenant, Instant from, Instant to, long estimatedDocs) {
    return new WorkNode(PLAIN_SCHEMA, tenant, from, to, false, estimatedDocs, SliceState.PENDING, 0, null, null,
        0, 0, 0, 0, 0, 0, null, null, null, null, null, 0);
  }

  /** A new slice for the documents of a tenant that have no timestamp. */
  public static WorkNode pendingWithoutTimestamp(String tenant, long estimatedDocs) {
    return new WorkNode(PLAIN_SCHEMA, tenant, null, null, true, estimatedDocs, SliceState.PENDING, 0, null, null,
        0, 0, 0, 0, 0, 0, null, null, null, null, null, 0);
  }

  /** A new slice covering the windows of several small tenants; its estimate is the sum of theirs. */
  public static WorkNode pendingPacked(List<SlicePart> parts) {
    long estimate = parts.stream().mapToLong(SlicePart::estimatedDocs).sum();
    return new WorkNode(PACKED_SCHEMA, null, null, null, false, estimate, SliceState.PENDING, 0, null, null,
        0, 0, 0, 0, 0, 0, null, null, null, parts, null, 0);
  }

  /** Whether this slice covers several tenants' windows ({@link #parts()}). */
  public boolean packed() {
    return parts != null;
  }

  /**
   * The windows this slice covers, in copy order: its parts if packed, else its own window as one part. Every
   * reader of a slice's tenant or window goes through this.
   */
  public List<SlicePart> windows() {
    if (parts != null) return parts;
    return List.of(new SlicePart(tenant, from, to, missingTimestamp, estimatedDocs));
  }

  /** The slice holds (only) documents without a tenant value; a packed slice's parts say it per part. */
  public boolean missingTenant() {
    return tenant == null && parts == null;
  }

  public CopyProgress progress() {
    return new CopyProgress(docsRead, docsCreated, docsAlreadyPresent, docsRejected, docsDeletedAfterRecheck,
        docsChanged);
  }

  WorkNode claimedBy(String newOwner, long newEpoch, Instant now) {
    return new WorkNode(schema, tenant, from, to, missingTimestamp, estimatedDocs, state, newEpoch, newOwner, cursor,
        docsRead, docsCreated, docsAlreadyPresent, docsRejected, docsDeletedAfterRecheck, attempts,
        lastError, now, verify, parts, lineage, docsChanged);
  }

  WorkNode checkpointed(CursorCheckpoint checkpoint, Instant now) {
    CopyProgress p = checkpoint.progress();
    return new WorkNode(schema, tenant, from, to, missingTimestamp, estimatedDocs, state, epoch, owner,
        checkpoint.cursor(), p.docsRead(), p.docsCreated(), p.docsAlreadyPresent(), p.docsRejected(),
        p.docsDeletedAfterRecheck(), attempts, lastError, now, verify, parts, lineage, p.docsChanged());
  }

  WorkNode inState(SliceState newState, int newAttempts, String error, Instant now) {
    return new WorkNode(schema, tenant, from, to, missingTimestamp, estimatedDocs, newState, epoch, owner, cursor,
        docsRead, docsCreated, docsAlreadyPresent, docsRejected, docsDeletedAfterRecheck,
        newAttempts, error, now, verify, parts, lineage, docsChanged);
  }

  /** Back to the start of the window: cursor and counts cleared (an operator's "reset"). */
  WorkNode restarted(long newEpoch, Instant now) {
    return new WorkNode(schema, tenant, from, to, missingTimestamp, estimatedDocs, SliceState.PENDING, newEpoch, null,
        null, 0, 0, 0, 0, 0, 0, null, now, null, parts, lineage, 0);
  }

  WorkNode verified(SliceVerification result) {
    return new WorkNode(schema, tenant, from, to, missingTimestamp, estimatedDocs, state, epoch, owner, cursor,
        docsRead, docsCreated, docsAlreadyPresent, docsRejected, docsDeletedAfterRecheck, attempts,
        lastError, updatedAt, result, parts, lineage, docsChanged);
  }

  /**
   * Refuses a split point that does not leave both sides a non-empty remainder of this slice's windows: a cut strictly
   * inside a time window, or (packed slices) a part boundary after the first part.
   */
  void requireSplittableAt(SplitPoint p) {
    List<SlicePart> w = windows();
    if (p.part() >= w.size()) {
      throw new IllegalArgumentException("split point " + p.describe() + " is past the slice's " + w.size() + " parts");
    }
    if (p.at() == null) {
      if (!packed() || p.part() == 0) throw new IllegalArgumentException("only a packed slice splits at a part's start");
      return;
    }
    SlicePart part = w.get(p.part());
    if (part.missingTimestamp() || !part.from().isBefore(p.at()) || !p.at().isBefore(part.to())) {
      throw new IllegalArgumentException("split point " + p.describe() + " is not strictly inside the window of part "
          + p.part());
    }
  }

  /** What the holder keeps after a split at {@code p}: its windows before the point, with a new estimate. */
  WorkNode keptBefore(String sliceId, SplitPoint p, long newEstimate, Instant now) {
    requireSplittableAt(p);
    SliceLineage l = SliceLineage.afterSplit(sliceId, lineage);
    if (!packed()) {
      return new WorkNode(schema, tenant, from, p.at(), missingTimestamp, newEstimate, state, epoch, owner, cursor,
          docsRead, docsCreated, docsAlreadyPresent, docsRejected, docsDeletedAfterRecheck, attempts, lastError, now,
          verify, null, l, docsChanged);
    }
    List<SlicePart> kept = new java.util.ArrayList<>(parts.subList(0, p.part()));
    if (p.at() != null) {
      SlicePart cut = parts.get(p.part());
      kept.add(SlicePart.window(cut.tenant(), cut.from(), p.at(), cut.estimatedDocs()));
    }
    return new WorkNode(schema, null, null, null, false, newEstimate, state, epoch, owner, cursor, docsRead,
        docsCreated, docsAlreadyPresent, docsRejected, docsDeletedAfterRecheck, attempts, lastError, now, verify, kept,
        l, docsChanged);
  }

  /** The new PENDING slice of everything from {@code p} on, split off this slice ({@code sliceId}). */
  WorkNode successorFrom(String sliceId, SplitPoint p, long estimate) {
    requireSplittableAt(p);
    SliceLineage l = SliceLineage.successorOf(sliceId, lineage);
    if (!packed()) {
      return new WorkNode(PLAIN_SCHEMA, tenant, p.at(), to, false, estimate, SliceState.PENDING, 0, null, null,
          0, 0, 0, 0, 0, 0, null, null, null, null, l, 0);
    }
    List<SlicePart> moved = new java.util.ArrayList<>();
    SlicePart first = parts.get(p.part());
    moved.add(p.at() == null ? first : SlicePart.window(first.tenant(), p.at(), first.to(), 0));
    moved.addAll(parts.subList(p.part() + 1, parts.size()));
    return new WorkNode(PACKED_SCHEMA, null, null, null, false, estimate, SliceState.PENDING, 0, null, null,
        0, 0, 0, 0, 0, 0, null, null, null, moved, l, 0);
  }

  /** Fences the last owner without claiming: the epoch moves on, the owner is cleared. */
  WorkNode releasedByOperator(Instant now) {
    return new WorkNode(schema, tenant, from, to, missingTimestamp, estimatedDocs, state, epoch + 1, null, cursor,
        docsRead, docsCreated, docsAlreadyPresent, docsRejected, docsDeletedAfterRecheck, attempts,
        lastError, now, verify, parts, lineage, docsChanged);
  }
}

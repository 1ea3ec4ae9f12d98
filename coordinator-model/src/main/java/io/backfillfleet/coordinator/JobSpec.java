package io.backfillfleet.coordinator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * The job node {@code /backfill/jobs/<job>}: what to copy from where to where, and how it was planned.
 *
 * <p>{@code source}, {@code target} and {@code plan} are kept as JSON that this module does not interpret:
 * coordinator-model knows ZooKeeper, not stores. They never contain secrets (those come from the
 * environment or files on each worker).
 *
 * <p>{@code state} makes publishing safe: a job is {@link PublishState#PUBLISHING} while its slices are
 * written in batches, and workers only take work from a {@link PublishState#READY} job, so an interrupted
 * publish is resumed or discarded, never half-run.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSpec(
    @JsonProperty(required = true) int schema,
    @JsonProperty(required = true) String name,
    @JsonProperty(required = true) PublishState state,
    @JsonProperty(required = true) String planId,
    int sliceCount,
    long estimatedDocs,
    int maxAttempts,
    JsonNode source,
    JsonNode target,
    JsonNode plan,
    Instant createdAt,
    int layout,
    int buckets) {

  /** 2: jobs of layout 2 (issue 16), which a version that knows only layout 1 must not read as empty. */
  public static final int SCHEMA = 2;
  /** The ZooKeeper layout this version writes and reads ({@link JobLayout}); jobs without it are of layout 1. */
  public static final int LAYOUT = 2;
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  public enum PublishState { PUBLISHING, READY }

  public JobSpec {
    if (schema > SCHEMA) {
      throw new IllegalArgumentException("schema " + schema + " is newer than this version understands (" + SCHEMA
          + "); upgrade backfill-fleet");
    }
    JobLayout.requireValidName("job name", name);
    if (state == null) throw new IllegalArgumentException("state is missing");
    if (planId == null || planId.isEmpty()) throw new IllegalArgumentException("planId is missing");
    if (maxAttempts <= 0) maxAttempts = DEFAULT_MAX_ATTEMPTS;
  }

  /** A spec before publishing: the layout and bucket count are set by {@link JobRepository#publish}. */
  public JobSpec(int schema, String name, PublishState state, String planId, int sliceCount, long estimatedDocs,
      int maxAttempts, JsonNode source, JsonNode target, JsonNode plan, Instant createdAt) {
    this(schema, name, state, planId, sliceCount, estimatedDocs, maxAttempts, source, target, plan, createdAt, 0, 0);
  }

  /** The job's buckets; refuses a job published with the old layout, saying what to do. */
  public Buckets requireCurrentLayout() {
    if (layout != LAYOUT || buckets <= 0) throw new OldLayoutException(name, Math.max(1, layout));
    return new Buckets(buckets);
  }

  JobSpec inState(PublishState newState) {
    return new JobSpec(schema, name, newState, planId, sliceCount, estimatedDocs, maxAttempts, source, target, plan,
        createdAt, layout, buckets);
  }

  JobSpec withSlices(int newSliceCount, long newEstimatedDocs) {
    return new JobSpec(schema, name, state, planId, newSliceCount, newEstimatedDocs, maxAttempts, source, target, plan,
        createdAt, layout, buckets);
  }

  JobSpec withLayout(Buckets b) {
    return new JobSpec(SCHEMA, name, state, planId, sliceCount, estimatedDocs, maxAttempts, source, target, plan,
        createdAt, LAYOUT, b.count());
  }
}

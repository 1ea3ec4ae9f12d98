package io.backfillfleet.coordinator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The accounting of one bucket, {@code tally/<b>}: how many slices it has, how many are finished (DONE or FAILED),
 * and the sums of the finished ones. Changed only in the same {@code multi} as the slice state it counts (publish,
 * completion, failure for good, retry, reset), so status sums these nodes instead of reading every work node.
 * Open slices (PENDING, held or not) are {@code slices - done - failed}.
 */
public record BucketTally(
    @JsonProperty(required = true) int schema,
    int slices,
    int done,
    int failed,
    long estimatedDocs,
    long finishedEstimatedDocs,
    long docsRead,
    long docsCreated,
    long docsAlreadyPresent,
    long docsRejected,
    long docsDeletedAfterRecheck,
    // left out while 0: nodes of jobs without changed values stay as older versions wrote and read them
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long docsChanged) {

  public static final int SCHEMA = 1;
  public static final BucketTally EMPTY = new BucketTally(SCHEMA, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  public int open() {
    return slices - done - failed;
  }

  public CopyProgress progress() {
    return new CopyProgress(docsRead, docsCreated, docsAlreadyPresent, docsRejected, docsDeletedAfterRecheck,
        docsChanged);
  }

  /** More slices published into this bucket. */
  BucketTally plusSlices(int n, long estimated) {
    return new BucketTally(SCHEMA, slices + n, done, failed, estimatedDocs + estimated, finishedEstimatedDocs,
        docsRead, docsCreated, docsAlreadyPresent, docsRejected, docsDeletedAfterRecheck, docsChanged);
  }

  /** An open slice's estimate changed by {@code delta} (a split re-measured what it keeps). */
  BucketTally estimateChanged(long delta) {
    return new BucketTally(SCHEMA, slices, done, failed, estimatedDocs + delta, finishedEstimatedDocs,
        docsRead, docsCreated, docsAlreadyPresent, docsRejected, docsDeletedAfterRecheck, docsChanged);
  }

  /** A slice of this bucket finished ({@code DONE} or {@code FAILED}) with these counts; negative {@code sign} undoes. */
  BucketTally finished(SliceState state, WorkNode w, int sign) {
    CopyProgress p = w.progress();
    return new BucketTally(SCHEMA, slices,
        done + (state == SliceState.DONE ? sign : 0),
        failed + (state == SliceState.FAILED ? sign : 0),
        estimatedDocs,
        finishedEstimatedDocs + sign * w.estimatedDocs(),
        docsRead + sign * p.docsRead(),
        docsCreated + sign * p.docsCreated(),
        docsAlreadyPresent + sign * p.docsAlreadyPresent(),
        docsRejected + sign * p.docsRejected(),
        docsDeletedAfterRecheck + sign * p.docsDeletedAfterRecheck(),
        docsChanged + sign * p.docsChanged());
  }

  BucketTally plus(BucketTally o) {
    return new BucketTally(SCHEMA, slices + o.slices, done + o.done, failed + o.failed,
        estimatedDocs + o.estimatedDocs, finishedEstimatedDocs + o.finishedEstimatedDocs, docsRead + o.docsRead,
        docsCreated + o.docsCreated, docsAlreadyPresent + o.docsAlreadyPresent, docsRejected + o.docsRejected,
        docsDeletedAfterRecheck + o.docsDeletedAfterRecheck, docsChanged + o.docsChanged);
  }
}

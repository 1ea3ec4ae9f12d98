package io.backfillfleet.coordinator;

/** Counts of what happened to the documents of one slice so far. Sums, never rates. */
public record CopyProgress(
    long docsRead, long docsCreated, long docsAlreadyPresent, long docsRejected, long docsDeletedAfterRecheck) {

  public static final CopyProgress NONE = new CopyProgress(0, 0, 0, 0, 0);

  public CopyProgress {
    if (docsRead < 0 || docsCreated < 0 || docsAlreadyPresent < 0 || docsRejected < 0 || docsDeletedAfterRecheck < 0) {
      throw new IllegalArgumentException("document counts cannot be negative");
    }
  }

  public CopyProgress plus(CopyProgress other) {
    return new CopyProgress(
        docsRead + other.docsRead,
        docsCreated + other.docsCreated,
        docsAlreadyPresent + other.docsAlreadyPresent,
        docsRejected + other.docsRejected,
        docsDeletedAfterRecheck + other.docsDeletedAfterRecheck);
  }
}

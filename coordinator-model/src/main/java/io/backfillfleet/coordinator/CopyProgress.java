package io.backfillfleet.coordinator;

/**
 * Counts of what happened to the documents of one slice so far. Sums, never rates.
 *
 * @param docsChanged documents written with a value the target could not hold as it was (a null in a list, an
 *                    empty list, a null, on Solr); also counted in {@code docsCreated} or {@code docsAlreadyPresent}
 */
public record CopyProgress(long docsRead, long docsCreated, long docsAlreadyPresent, long docsRejected,
    long docsDeletedAfterRecheck, long docsChanged) {

  public static final CopyProgress NONE = new CopyProgress(0, 0, 0, 0, 0, 0);

  public CopyProgress {
    if (docsRead < 0 || docsCreated < 0 || docsAlreadyPresent < 0 || docsRejected < 0 || docsDeletedAfterRecheck < 0
        || docsChanged < 0) {
      throw new IllegalArgumentException("document counts cannot be negative");
    }
  }

  /** Counts of a copy whose values the target held as they were. */
  public CopyProgress(long docsRead, long docsCreated, long docsAlreadyPresent, long docsRejected,
      long docsDeletedAfterRecheck) {
    this(docsRead, docsCreated, docsAlreadyPresent, docsRejected, docsDeletedAfterRecheck, 0);
  }

  public CopyProgress plus(CopyProgress other) {
    return new CopyProgress(
        docsRead + other.docsRead,
        docsCreated + other.docsCreated,
        docsAlreadyPresent + other.docsAlreadyPresent,
        docsRejected + other.docsRejected,
        docsDeletedAfterRecheck + other.docsDeletedAfterRecheck,
        docsChanged + other.docsChanged);
  }
}

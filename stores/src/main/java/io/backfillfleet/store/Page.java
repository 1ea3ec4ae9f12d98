package io.backfillfleet.store;

import java.time.Instant;
import java.util.List;

/**
 * One page of a window: its documents, the cursor after them, whether the window is exhausted, and, where the
 * reader can give them, the proofs of its key ranges that let the resurrection guard count the page instead of
 * looking every document up ({@link PageRange}: one per tenant window the page holds; empty when there are none).
 * {@code lastTimestamp} is the timestamp of its last document (whole milliseconds, rounded down), null where the reader
 * does not know it or the page is empty: a running slice is split only past it (issue 18).
 */
public record Page(List<Doc> docs, Cursor next, boolean last, List<PageRange> ranges, Instant lastTimestamp) {
  public Page {
    docs = List.copyOf(docs);
    ranges = ranges == null ? List.of() : List.copyOf(ranges);
  }

  public Page(List<Doc> docs, Cursor next, boolean last) {
    this(docs, next, last, List.of(), null);
  }

  public Page(List<Doc> docs, Cursor next, boolean last, List<PageRange> ranges) {
    this(docs, next, last, ranges, null);
  }

  /** This page, saying that its last document's timestamp is {@code t} (where the reader knows it). */
  public Page withLastTimestamp(Instant t) {
    return new Page(docs, next, last, ranges, t);
  }

  /** True when the ranges account for every document of the page, so counting them vouches for all of it. */
  public boolean rangesCoverDocs() {
    long covered = 0;
    for (PageRange r : ranges) covered += r.unchanged() + r.changed().size();
    return !ranges.isEmpty() && covered == docs.size();
  }
}

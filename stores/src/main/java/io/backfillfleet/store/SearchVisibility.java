package io.backfillfleet.store;

import java.time.Duration;

/**
 * How soon a write or delete on a cluster is seen by its searches: Elasticsearch's refresh interval, Solr's soft
 * commit (or a hard commit that opens a searcher). The resurrection guard may trust a search that long after a
 * change, and no sooner; where no bound exists (refresh off, commits only on request, replicas that copy the
 * index from their leader), it looks every id up in real time instead.
 *
 * @param bound the longest time a change stays invisible to searches; null when there is no bound
 * @param why   where the bound comes from, or why there is none (for the worker's log and the design notes)
 */
public record SearchVisibility(Duration bound, String why) {
  public static SearchVisibility within(Duration bound, String why) {
    if (bound == null || bound.isNegative()) throw new IllegalArgumentException("a bound must be 0 or more: " + bound);
    return new SearchVisibility(bound, why);
  }

  public static SearchVisibility unbounded(String why) {
    return new SearchVisibility(null, why);
  }

  public boolean isBounded() {
    return bound != null;
  }

  @Override
  public String toString() {
    return (bound == null ? "no bound" : "within " + bound.toMillis() + " ms") + " (" + why + ")";
  }
}

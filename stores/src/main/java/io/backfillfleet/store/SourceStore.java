package io.backfillfleet.store;

import java.time.Duration;
import java.util.List;

/** Where history is read from (the legacy cluster). */
public interface SourceStore extends AutoCloseable {
  /**
   * Every tenant with its document count and first/last timestamp, in a bounded number of queries; the documents
   * without a tenant value, if any, as one more span whose tenant is {@link TenantSpan#NO_TENANT}.
   */
  List<TenantSpan> tenants();

  /** The number of documents in the collection or index, whatever their tenant (what a plan must cover). */
  long totalDocs();

  /**
   * Checks that the tenant, timestamp and id fields exist with types reading can use (the timestamp a date with
   * docValues); throws {@link StoreConfigException} naming the field, its type and what is needed.
   */
  void requireUsableFields();

  /**
   * Counts of a tenant's documents in consecutive buckets of {@code bucket} covering the window. In every method
   * here, tenant {@link TenantSpan#NO_TENANT} means the documents without a tenant value.
   */
  Histogram histogram(String tenant, TimeWindow window, Duration bucket);

  /**
   * The histograms of many tenants' windows at one bucket width, each equal to {@link #histogram} of its request, in
   * request order; an engine answers a group of them in one query, so measuring many tenants does not cost a query
   * each. This default asks one query per request.
   */
  default HistogramBatch histograms(List<HistogramRequest> requests, Duration bucket) {
    return new HistogramBatch(requests.stream().map(r -> histogram(r.tenant(), r.window(), bucket)).toList(),
        requests.size());
  }

  /** The number of a tenant's documents in the window. */
  long count(String tenant, TimeWindow window);

  /** A reader of a tenant's window, sorted by (timestamp, id), starting after {@code after}. */
  WindowReader reader(String tenant, TimeWindow window, Cursor after);

  /** How windows are read, and why (the planner's dry run prints it). */
  default String readPath() {
    return "";
  }

  /**
   * Which of these documents exist in the source now (to re-check written pages against live deletes), by id.
   * A document stored under another routing than its key says must still be found: "not found" deletes it.
   */
  java.util.Set<String> existingIds(java.util.Collection<DocKey> keys);

  /**
   * How soon a change on this source is seen by its searches ({@link #countSearchable} may vouch for documents only
   * that long after a delete could have reached the source). Reads the cluster's settings; unbounded by default.
   */
  default SearchVisibility searchVisibility() {
    return SearchVisibility.unbounded(getClass().getSimpleName() + " does not say");
  }

  /**
   * How many of these documents a search finds now, each under its id and routing, without fetching any: one cheap
   * request where a real-time lookup costs a get per id. What a search sees lags by {@link #searchVisibility()}.
   * Empty when these keys cannot be counted in one search (an id the query syntax cannot carry, say).
   */
  default java.util.OptionalLong countSearchable(java.util.Collection<DocKey> keys) {
    return java.util.OptionalLong.empty();
  }

  /**
   * For each range, how many of its documents are now stamped at most its watermark ({@link PageRange}): equal to
   * {@link PageRange#unchanged()} when none of them was deleted or rewritten since the read. Searches, so they lag
   * by {@link #searchVisibility()}. In request order; an empty entry where this store could not count that range.
   */
  default List<java.util.OptionalLong> countUnchanged(List<PageRange> ranges) {
    return ranges.stream().map(r -> java.util.OptionalLong.empty()).toList();
  }

  /**
   * The ranges of consecutive pages of one slice, in the order they were read, joined where one count can stand for
   * several (same tenant window and watermark, one key range after the other): the same proof for fewer requests.
   * A joined range's count falls short exactly when one of its parts' would. Default: as given.
   */
  default List<PageRange> joinConsecutive(List<PageRange> ranges) {
    return ranges;
  }

  /**
   * A watermark snapshot for a job's workers ({@link ChangeMarks#takeToShare}), so that none spends its first seconds
   * checking pages by id for want of a snapshot old enough; hand it over only once usable. Empty where this store has
   * none to share (Elasticsearch: its first read refreshes instead, and a snapshot of sequence numbers kept with a job
   * would not survive the index being re-created).
   */
  default java.util.Optional<ChangeMarks.Shared> changeMarkToShare() {
    return java.util.Optional.empty();
  }

  /** A watermark another process took and kept until usable ({@link #changeMarkToShare}); ignored where none is. */
  default void acceptSharedChangeMark(long watermark) {}

  /** Makes recent writes visible to reads (Solr commit, Elasticsearch refresh). */
  void makeVisible();

  @Override
  void close();
}

package io.backfillfleet.store.solr;

import io.backfillfleet.store.Doc;
import io.backfillfleet.store.DocKey;
import io.backfillfleet.store.KeyRangeBounds;
import io.backfillfleet.store.PageRange;
import io.backfillfleet.store.TimeWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.common.cloud.DocCollection;
import org.apache.solr.common.cloud.Replica;
import org.apache.solr.common.cloud.Slice;
import org.apache.solr.common.util.NamedList;

/**
 * The page range proof on Solr ({@link PageRange}), with {@code _version_} as the change stamp: a shard leader stamps
 * every add and delete with a version from a clock that only moves forward (milliseconds shifted left by 20, at
 * least one past the last it gave, seeded at start-up from the newest version in its index and update log). So
 *
 * <ul>
 *   <li>the watermark is the least, over the shards, of the newest version in each leader's update log
 *       ({@code /get?getVersions}, which reads the log, not the index: cheap whatever the shard's size). Every change
 *       stamped at most that had been stamped when the snapshot was taken, and is searchable one soft commit later
 *       ({@link io.backfillfleet.store.ChangeMarks} waits that and a margin before a read may use it); every later
 *       change on any shard is stamped above that shard's newest, so above the least;</li>
 *   <li>a count of a page's key range with {@code _version_ <= watermark} drops for a deleted or rewritten document
 *       (a rewrite takes a new version) and no later insert can enter it.</li>
 * </ul>
 *
 * A shard without a leader or an empty update log gives no watermark; pages are then counted by id, as before.
 */
final class SolrRangeProof {
  /** Versions asked of each leader's update log: the newest of them is taken (writes land out of order). */
  static final int VERSIONS_ASKED = 100;
  /** Separates ids in a terms query: a character no id of a page may contain (else no count is made). */
  static final String SEPARATOR = "\u001f";

  private SolrRangeProof() {}

  /** Asks one shard leader's core for its update log's newest versions; the answer's {@code versions}. */
  interface LeaderLog {
    NamedList<Object> newestVersions(Replica leader, int n);
  }

  /** The watermark: the least over the shards of each leader's newest version; -1 where a shard gives none. */
  static long watermark(DocCollection collection, LeaderLog log) {
    if (collection == null) return -1;
    long least = Long.MAX_VALUE;
    int shards = 0;
    for (Slice s : collection.getActiveSlices()) {
      Replica leader = s.getLeader();
      if (leader == null) return -1; // an election under way: nothing says what the next leader stamps
      long newest = newest(log.newestVersions(leader, VERSIONS_ASKED).get("versions"));
      if (newest < 0) return -1;
      least = Math.min(least, newest);
      shards++;
    }
    return shards == 0 ? -1 : least;
  }

  /** The greatest version in a {@code getVersions} answer (deletes are given negative); -1 for none. */
  static long newest(Object versions) {
    long newest = -1;
    if (versions instanceof List<?> list) {
      for (Object v : list) {
        if (v instanceof Number n) newest = Math.max(newest, Math.abs(n.longValue()));
      }
    }
    return newest;
  }

  /**
   * A page's key range proof, for a page read in (timestamp, id) order in a view holding every change up to the
   * watermark {@code w}: its first and last timestamps with the ids at each (a prefix and a suffix of the page, found
   * by comparing the timestamps' values as read, without parsing each), and how many documents are stamped at most
   * {@code w}; the others are "changed" and checked by id.
   *
   * @param tsValue  the i-th document's timestamp value as read
   * @param version  the i-th document's {@code _version_} as read
   */
  static PageRange pageRange(String tenant, TimeWindow window, List<Doc> docs, IntFunction<Object> tsValue,
      IntFunction<Object> version, Instant firstTs, Instant lastTs, long w) {
    int n = docs.size();
    Object firstValue = tsValue.apply(0);
    Object lastValue = tsValue.apply(n - 1);
    long first = firstTs.toEpochMilli();
    long last = lastTs.toEpochMilli();
    long unchanged = 0;
    List<DocKey> changed = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (version.apply(i) instanceof Number v && v.longValue() > 0 && v.longValue() <= w) unchanged++;
      else changed.add(DocKey.of(docs.get(i).id()));
    }
    List<Object> atFirst = new ArrayList<>();
    for (int i = 0; i < n && Objects.equals(tsValue.apply(i), firstValue); i++) atFirst.add(docs.get(i).id());
    List<Object> atLast = new ArrayList<>();
    if (last != first) {
      int from = n;
      while (from > 0 && Objects.equals(tsValue.apply(from - 1), lastValue)) from--;
      for (int i = from; i < n; i++) atLast.add(docs.get(i).id());
    }
    String bounds = new KeyRangeBounds(first, last, atFirst, atLast).write();
    return new PageRange(tenant, window, bounds, w, unchanged, changed);
  }

  /**
   * The count of a range's documents stamped at most its watermark, as one search of {@code rows=0}: the tenant
   * window's filters (the reader's, so cached), and in the main query the key range ({@link KeyRangeBounds}: the
   * documents strictly between the first and last timestamps, and at each of those the ids the pages had there,
   * terms on a few ids) and {@code _version_ <= watermark} (a docValues check on the range's documents only).
   * Null when an id holds the separator.
   */
  static SolrQuery countQuery(PageRange r, KeyRangeBounds b, String tsField, String idField, String tenantFilter,
      String windowFilter) {
    for (List<Object> ids : List.of(b.atFirst(), b.atLast())) {
      for (Object id : ids) if (String.valueOf(id).contains(SEPARATOR)) return null;
    }
    String first = Instant.ofEpochMilli(b.first()).toString();
    String last = Instant.ofEpochMilli(b.last()).toString();
    StringBuilder range = new StringBuilder();
    range.append(tsField).append(":{").append(first).append(" TO ").append(last).append('}');
    range.append(" OR (+").append(tsField).append(":[").append(first).append(" TO ").append(first)
        .append("] +_query_:\"{!terms f=").append(idField).append(" separator=$sep v=$atFirst}\")");
    if (b.last() != b.first()) {
      range.append(" OR (+").append(tsField).append(":[").append(last).append(" TO ").append(last)
          .append("] +_query_:\"{!terms f=").append(idField).append(" separator=$sep v=$atLast}\")");
    }
    SolrQuery q = new SolrQuery("+(" + range + ") +" + SolrStore.VERSION_FIELD + ":[* TO " + r.watermark() + "]");
    q.addFilterQuery(tenantFilter, windowFilter);
    q.set("sep", SEPARATOR);
    q.set("atFirst", join(b.atFirst()));
    q.set("atLast", join(b.atLast()));
    q.setRows(0);
    return q;
  }

  private static String join(List<Object> ids) {
    StringBuilder s = new StringBuilder();
    for (Object id : ids) {
      if (s.length() > 0) s.append(SEPARATOR);
      s.append(id);
    }
    return s.toString();
  }
}

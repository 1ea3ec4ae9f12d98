package io.backfillfleet.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A page's key range as {@link PageRange#bounds()} holds it, for stores that read in (timestamp, id) order
 * (Elasticsearch {@code search_after}, Solr {@code /export} and {@code cursorMark}): the documents strictly between
 * its first and last timestamps (epoch milliseconds), and at each of those two timestamps the ids the page had there
 * (when both are the same millisecond, all of them are in {@code atFirst}).
 *
 * <p>Why two consecutive pages' ranges join into one: they were read one after the other in (timestamp, id) order,
 * each as all of its key range in a view that held every change up to the shared watermark. So a document stamped
 * at most that watermark anywhere from the first page's first key to the second page's last key was in one of the
 * two pages (one between them would have been the second page's first), and the joined range counts exactly the two
 * pages' unchanged documents. A timestamp inside the joined range is covered whole; only the two outer timestamps
 * need their ids.
 */
public record KeyRangeBounds(long first, long last, List<Object> atFirst, List<Object> atLast) {
  /** Ids listed at one boundary timestamp, past which ranges are not joined (a hot millisecond's query stays small). */
  public static final int MOST_IDS_AT_A_BOUNDARY = 4096;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The bounds of a range this kind of store made; a {@link StoreException} naming {@code where} if not. */
  public static KeyRangeBounds of(PageRange r, String where) {
    try {
      return parse(r.bounds());
    } catch (IOException e) {
      throw new StoreException(where + ": a page range's bounds are not this store's: " + r.bounds(), e);
    }
  }

  static KeyRangeBounds parse(String bounds) throws IOException {
    JsonNode b = JSON.readTree(bounds);
    return new KeyRangeBounds(b.path("first").asLong(), b.path("last").asLong(), ids(b.path("atFirst")),
        ids(b.path("atLast")));
  }

  private static List<Object> ids(JsonNode a) {
    List<Object> out = new ArrayList<>(a.size());
    a.forEach(v -> out.add(v.asText()));
    return out;
  }

  public String write() {
    try {
      return JSON.writeValueAsString(Map.of("first", first, "last", last, "atFirst", atFirst, "atLast", atLast));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("ids and numbers always write as JSON", e);
    }
  }

  /**
   * This range and the next page's as one, or null when they cannot be one range: the next one does not start at or
   * after this one's end, or a boundary would list too many ids.
   */
  KeyRangeBounds joinedWith(KeyRangeBounds next) {
    if (next.first < last || next.last < next.first) return null;
    List<Object> from = union(idsAt(first), next.idsAt(first));
    List<Object> to = next.last == first ? List.of() : union(idsAt(next.last), next.idsAt(next.last));
    if (from.size() + to.size() > MOST_IDS_AT_A_BOUNDARY) return null;
    return new KeyRangeBounds(first, next.last, from, to);
  }

  /** The ids this range has at timestamp {@code t}, which is one of the joined range's outer timestamps. */
  private List<Object> idsAt(long t) {
    if (t == first) return atFirst;
    if (t == last) return atLast;
    return List.of(); // outside this range: consecutive ranges never hold the other's outer timestamp inside
  }

  private static List<Object> union(List<Object> a, List<Object> b) {
    if (b.isEmpty()) return a;
    if (a.isEmpty()) return b;
    Set<Object> all = new LinkedHashSet<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  /**
   * Joins runs of consecutive ranges of one tenant window and watermark; the others are left as they are. For a
   * store's {@link SourceStore#joinConsecutive}: a {@link StoreException} naming {@code where} for bounds it did not
   * make.
   */
  public static List<PageRange> joinConsecutive(List<PageRange> ranges, String where) {
    List<PageRange> out = new ArrayList<>(ranges.size());
    PageRange run = null;
    KeyRangeBounds runBounds = null;
    for (PageRange r : ranges) {
      KeyRangeBounds b = of(r, where);
      KeyRangeBounds joined = run != null && run.tenant().equals(r.tenant()) && run.window().equals(r.window())
          && run.watermark() == r.watermark() ? runBounds.joinedWith(b) : null;
      if (joined != null) {
        List<DocKey> changed = new ArrayList<>(run.changed());
        changed.addAll(r.changed());
        run = new PageRange(r.tenant(), r.window(), joined.write(), r.watermark(), run.unchanged() + r.unchanged(),
            changed);
        runBounds = joined;
      } else {
        if (run != null) out.add(run);
        run = r;
        runBounds = b;
      }
    }
    if (run != null) out.add(run);
    return out;
  }
}

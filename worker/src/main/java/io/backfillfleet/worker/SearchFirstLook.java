package io.backfillfleet.worker;

import io.backfillfleet.store.DocKey;
import io.backfillfleet.store.PageRange;
import io.backfillfleet.store.SearchVisibility;
import io.backfillfleet.store.SourceStore;
import io.backfillfleet.store.StoreException;
import io.backfillfleet.store.StoreUnavailableException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resurrection guard's cheap first look at a written page: one search that counts the page's ids in the source,
 * instead of a real-time get of every id (the get path costs the source about as much as reading the page did).
 * A count equal to the page's size vouches for every document; anything else sends the page down the real-time path.
 *
 * <p>Why a count can be trusted, and when: a live delete that the backfill's write could undo reached the source
 * within the dual-writer's lag (shorter than the settle delay) and is searchable one refresh later. So a page is
 * counted no sooner than settle delay + the source's search visibility bound + a margin after its write, and only
 * where that bound exists and is at most the settle delay (a longer one would hold pages too long): otherwise every
 * page takes the real-time path, as before. The bound is read from the source's settings and read again every
 * minute, so a refresh turned off mid-copy is followed.
 */
final class SearchFirstLook {
  private static final Logger LOG = LoggerFactory.getLogger(SearchFirstLook.class);
  /** For the refresh or soft commit itself to finish (opening a searcher, warming it). */
  static final Duration MARGIN = Duration.ofSeconds(1);
  private static final long REREAD_NANOS = Duration.ofMinutes(1).toNanos();

  private final SourceStore source;
  private final Duration settle;
  private SearchVisibility visibility;
  private long readAt;
  private String lastSaid;
  private volatile boolean rangesRefused;

  SearchFirstLook(SourceStore source, Duration settle) {
    this.source = source;
    this.settle = settle;
  }

  /**
   * How long after its write a page can be vouched for by a count, or null when counts cannot be trusted now (the
   * page waits the settle delay and is looked up id by id).
   */
  synchronized Duration countableAfter(long nowNanos) {
    if (visibility == null || nowNanos - readAt >= REREAD_NANOS) {
      visibility = read();
      readAt = nowNanos;
    }
    boolean usable = visibility.isBounded() && visibility.bound().compareTo(settle) <= 0;
    String said = usable ? "the re-check counts each written page's ids by search, " + settle.plus(visibility.bound())
        .plus(MARGIN).toMillis() + " ms after writing it: source changes are searchable " + visibility
        : "the re-check looks every written id up in real time: source changes are searchable " + visibility
            + (visibility.isBounded() ? ", longer than the settle delay of " + settle.toMillis() + " ms" : "");
    if (!said.equals(lastSaid)) {
      LOG.info("{}", said);
      lastSaid = said;
    }
    return usable ? settle.plus(visibility.bound()).plus(MARGIN) : null;
  }

  private SearchVisibility read() {
    try {
      return source.searchVisibility();
    } catch (StoreUnavailableException e) {
      throw e; // an outage is handled as for any source request
    } catch (RuntimeException e) {
      return SearchVisibility.unbounded("its settings could not be read: " + e.getMessage());
    }
  }

  /**
   * True when every range still holds all its documents stamped at most its watermark, and a search finds each of
   * the documents the read saw stamped after it ({@link PageRange}): then no document of the pages was deleted. The
   * ranges are those of consecutive pages of one slice, in read order. False (check each page another way) when a
   * count falls short or cannot be made.
   */
  boolean rangesUnchanged(List<PageRange> pageRanges) {
    if (rangesRefused) return false;
    List<OptionalLong> counts;
    List<PageRange> ranges;
    try {
      ranges = source.joinConsecutive(pageRanges); // one count for several pages of a slice where it can
      counts = source.countUnchanged(ranges);
    } catch (StoreUnavailableException e) {
      throw e;
    } catch (StoreException e) {
      rangesRefused = true; // the id count is as safe: no need to ask a source that refused once
      LOG.warn("the re-check cannot count page ranges on this source, from now on it counts ids: {}", e.getMessage());
      return false;
    }
    Set<DocKey> changed = new LinkedHashSet<>();
    for (int i = 0; i < ranges.size(); i++) {
      OptionalLong n = counts.get(i);
      if (n.isEmpty() || n.getAsLong() != ranges.get(i).unchanged()) return false;
      changed.addAll(ranges.get(i).changed());
    }
    return changed.isEmpty() || allSearchable(changed);
  }

  /** True when a search finds every one of these documents in the source, under its id and routing. */
  boolean allFound(Collection<CopiedDoc> docs) {
    Set<DocKey> keys = new LinkedHashSet<>();
    for (CopiedDoc d : docs) keys.add(d.inSource());
    return allSearchable(keys);
  }

  /** True when a search counts every one of these (distinct) keys in the source. */
  private boolean allSearchable(Set<DocKey> keys) {
    OptionalLong found = source.countSearchable(keys);
    return found.isPresent() && found.getAsLong() == keys.size();
  }
}

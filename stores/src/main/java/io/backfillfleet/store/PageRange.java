package io.backfillfleet.store;

import java.util.List;

/**
 * What a page's reader can later prove about the page in one cheap count, instead of a lookup per document: the
 * page is the whole of its tenant window's key range as the reader saw it, and every
 * document in it whose change stamp (Elasticsearch {@code _seq_no}) is at most {@code watermark} was already
 * visible to that read. A change after the watermark gets a higher stamp. So a later count of the range's
 * documents stamped at most {@code watermark} equals {@code unchanged} exactly when none of them was deleted (or
 * rewritten); the {@code changed} documents (stamped after the watermark but seen by the read) are not covered by
 * that count and must be checked on their own.
 *
 * <p>Only the store that made it interprets the bounds and the watermark ({@link SourceStore#countUnchanged}).
 *
 * @param bounds    the page's key range, in the store's own terms (like a {@link Cursor}'s value)
 * @param watermark every change stamped at most this was visible to the read
 * @param unchanged how many of the page's documents are stamped at most {@code watermark}
 * @param changed   the page's documents stamped after it
 */
public record PageRange(String tenant, TimeWindow window, String bounds, long watermark, long unchanged,
    List<DocKey> changed) {
  public PageRange {
    if (window == null || bounds == null) throw new IllegalArgumentException("a range needs bounds");
    if (unchanged < 0) throw new IllegalArgumentException("unchanged cannot be negative: " + unchanged);
    changed = List.copyOf(changed);
  }
}

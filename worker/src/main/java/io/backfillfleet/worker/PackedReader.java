package io.backfillfleet.worker;

import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.PageRange;
import io.backfillfleet.store.SourceStore;
import io.backfillfleet.store.WindowReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a packed slice's windows one after the other with the store's own readers, as one stream of pages: a page
 * is filled from as many windows as it takes (small tenants' windows hold a few documents each, and a page is what
 * costs a write, a claim check and a re-check). Each page's cursor is a {@link PackedCursor}: the window and the
 * store's cursor within it, so a resumed copy re-opens only the window it stopped in.
 */
final class PackedReader implements WindowReader {
  private final SourceStore store;
  private final List<SliceWindow> windows;
  private int part;
  private Cursor innerStart;
  private WindowReader current;
  private boolean closed;

  PackedReader(SourceStore store, List<SliceWindow> windows, Cursor after) {
    if (windows.isEmpty()) throw new IllegalArgumentException("a packed slice has no windows");
    PackedCursor start = PackedCursor.parse(after);
    if (start.part() > windows.size()) {
      throw new IllegalArgumentException("the saved cursor names window " + start.part() + " of a slice of "
          + windows.size());
    }
    this.store = store;
    this.windows = List.copyOf(windows);
    this.part = start.part();
    this.innerStart = start.inner();
  }

  /** The slice's reader: the store's own for a plain slice (its cursor unchanged), this one for a packed slice. */
  static WindowReader open(SourceStore store, io.backfillfleet.coordinator.WorkNode w, Cursor after) {
    if (!w.packed()) {
      SliceWindow only = SliceWindow.of(w).get(0);
      return store.reader(only.tenant(), only.window(), after);
    }
    return new PackedReader(store, SliceWindow.of(w), after);
  }

  @Override
  public Page readPage(int pageSize) {
    if (closed) throw new IllegalStateException("the packed slice's reader is closed");
    List<Doc> docs = new ArrayList<>();
    List<PageRange> ranges = new ArrayList<>(); // each window's part of the page proves its own range
    Cursor innerNext = innerStart;
    java.time.Instant lastTimestamp = null;
    while (part < windows.size() && docs.size() < pageSize) {
      if (current == null) {
        SliceWindow w = windows.get(part);
        current = store.reader(w.tenant(), w.window(), innerStart);
      }
      int asked = pageSize - docs.size();
      Page p = current.readPage(asked);
      docs.addAll(p.docs());
      ranges.addAll(p.ranges());
      if (!p.docs().isEmpty()) lastTimestamp = p.lastTimestamp();
      if (p.last()) {
        current.close(); // its point-in-time or stream is released before the next window opens its own
        current = null;
        part++;
        innerStart = Cursor.START;
        innerNext = Cursor.START;
      } else {
        innerStart = p.next();
        innerNext = p.next();
        if (p.docs().size() < asked) break; // a short page that is not the last: hand over what there is
      }
    }
    return new Page(docs, new PackedCursor(part, innerNext).toCursor(), part >= windows.size(), ranges, lastTimestamp);
  }

  @Override
  public void close() {
    closed = true;
    if (current != null) {
      current.close();
      current = null;
    }
  }
}

package io.backfillfleet.store;

import java.util.List;

/** One page of a window: its documents, the cursor after them, and whether the window is exhausted. */
public record Page(List<Doc> docs, Cursor next, boolean last) {
  public Page {
    docs = List.copyOf(docs);
  }
}

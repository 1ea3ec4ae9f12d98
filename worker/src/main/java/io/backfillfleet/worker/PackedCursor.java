package io.backfillfleet.worker;

import io.backfillfleet.store.Cursor;

/**
 * Where a packed slice's copy stands: which part, and the store's own cursor within it, saved as
 * {@code <part index>:<inner cursor>} ({@code "2:"} is the start of part 2). A plain slice's cursor is the store's
 * cursor as it always was, so jobs saved before packing resume unchanged.
 */
record PackedCursor(int part, Cursor inner) {
  PackedCursor {
    if (part < 0) throw new IllegalArgumentException("part index " + part + " is negative");
  }

  static final PackedCursor START = new PackedCursor(0, Cursor.START);

  /** The cursor saved in a packed slice's work node; the start of the slice when none was saved. */
  static PackedCursor parse(Cursor saved) {
    if (saved.isStart()) return START;
    String v = saved.value();
    int colon = v.indexOf(':');
    if (colon <= 0) throw new IllegalArgumentException("not a packed slice's cursor (part:cursor): '" + v + "'");
    int part;
    try {
      part = Integer.parseInt(v.substring(0, colon));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a packed slice's cursor (part:cursor): '" + v + "'");
    }
    return new PackedCursor(part, Cursor.of(v.substring(colon + 1)));
  }

  Cursor toCursor() {
    return new Cursor(part + ":" + inner.value());
  }
}

package io.backfillfleet.store;

/**
 * Where a reader stopped in a window: opaque to everyone but the store that made it, and a plain string so
 * it can be saved in a work node and handed to a new store instance after a crash.
 */
public record Cursor(String value) {
  public static final Cursor START = new Cursor("");

  public Cursor {
    if (value == null) throw new IllegalArgumentException("cursor value cannot be null; use Cursor.START");
  }

  public static Cursor of(String saved) {
    return saved == null || saved.isEmpty() ? START : new Cursor(saved);
  }

  public boolean isStart() {
    return value.isEmpty();
  }
}

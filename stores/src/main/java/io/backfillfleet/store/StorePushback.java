package io.backfillfleet.store;

import java.util.concurrent.atomic.LongAdder;

/**
 * How often the clusters of this process said "busy" (429, 5xx, items refused for a transient reason) or could not be
 * reached, counted where every store request is retried ({@link RetryPolicy}). Process-wide: a worker has one
 * source and one target, and either one pushing back means the same to it (fewer requests in flight, not more).
 */
public final class StorePushback {
  private static final LongAdder COUNT = new LongAdder();

  private StorePushback() {}

  static void record() {
    COUNT.increment();
  }

  /** Pushbacks so far; compare two readings to see whether a request met one. */
  public static long count() {
    return COUNT.sum();
  }
}

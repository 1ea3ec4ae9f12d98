package io.backfillfleet.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Document counts of consecutive half-open buckets {@code [start, end)}. */
public record Histogram(List<Bucket> buckets) {
  public record Bucket(Instant start, Instant end, long count) {}

  public Histogram {
    buckets = List.copyOf(buckets);
  }

  /**
   * Consecutive buckets of {@code bucket} covering {@code window} (the last one cut at the window's end), with the
   * counts an engine reported by bucket start; a start it did not report counted 0.
   */
  public static Histogram of(TimeWindow window, Duration bucket, Map<Instant, Long> countsByStart) {
    long gap = bucket.toMillis();
    List<Bucket> out = new ArrayList<>();
    for (Instant s = window.from(); s.isBefore(window.to()); s = s.plusMillis(gap)) {
      Instant e = s.plusMillis(gap).isAfter(window.to()) ? window.to() : s.plusMillis(gap);
      out.add(new Bucket(s, e, countsByStart.getOrDefault(s, 0L)));
    }
    return new Histogram(out);
  }

  /** The bucket width in milliseconds, checked. */
  public static long millis(Duration bucket) {
    long gap = bucket.toMillis();
    if (gap < 1) throw new IllegalArgumentException("histogram bucket must be at least 1 ms");
    return gap;
  }

  public long total() {
    return buckets.stream().mapToLong(Bucket::count).sum();
  }
}

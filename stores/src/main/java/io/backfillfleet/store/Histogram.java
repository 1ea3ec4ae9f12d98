package io.backfillfleet.store;

import java.time.Instant;
import java.util.List;

/** Document counts of consecutive half-open buckets {@code [start, end)}. */
public record Histogram(List<Bucket> buckets) {
  public record Bucket(Instant start, Instant end, long count) {}

  public Histogram {
    buckets = List.copyOf(buckets);
  }

  public long total() {
    return buckets.stream().mapToLong(Bucket::count).sum();
  }
}

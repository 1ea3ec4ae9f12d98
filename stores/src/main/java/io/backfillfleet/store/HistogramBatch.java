package io.backfillfleet.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer of {@link SourceStore#histograms}: one histogram per request, in request order, and how many queries
 * the engine was sent for them (the planner reports its query count).
 */
public record HistogramBatch(List<Histogram> histograms, int queries) {
  public HistogramBatch {
    histograms = List.copyOf(histograms);
  }

  /**
   * Cuts requests into groups that one query each can answer: at most {@code maxBuckets} buckets (counted over the
   * whole window, empty ones too: Solr returns those) and {@code maxRequests} requests per group, and at least one
   * request per group however long its window. Bounds the engine's answer (Elasticsearch refuses more than
   * {@code search.max_buckets}, 65,536 by default) and the request body.
   */
  public static List<List<HistogramRequest>> groups(List<HistogramRequest> requests, Duration bucket, long maxBuckets,
      int maxRequests) {
    long gap = Histogram.millis(bucket);
    List<List<HistogramRequest>> out = new ArrayList<>();
    List<HistogramRequest> group = new ArrayList<>();
    long buckets = 0;
    for (HistogramRequest r : requests) {
      long span = r.window().to().toEpochMilli() - r.window().from().toEpochMilli();
      long n = (span + gap - 1) / gap;
      if (!group.isEmpty() && (buckets + n > maxBuckets || group.size() >= maxRequests)) {
        out.add(group);
        group = new ArrayList<>();
        buckets = 0;
      }
      group.add(r);
      buckets += n;
    }
    if (!group.isEmpty()) out.add(group);
    return out;
  }
}

package io.backfillfleet.store;

/**
 * One tenant's window to measure in a batch of histograms ({@link SourceStore#histograms}).
 *
 * @param tenant {@link TenantSpan#NO_TENANT} for the documents without a tenant value
 * @param window a time window (the no-timestamp window has no buckets to batch)
 */
public record HistogramRequest(String tenant, TimeWindow window) {
  public HistogramRequest {
    if (window == null || window.missingTimestamp()) {
      throw new IllegalArgumentException("a batched histogram needs a time window, not " + window);
    }
  }
}

package io.backfillfleet.planner;

import io.backfillfleet.store.Histogram;
import io.backfillfleet.store.TenantSpan;
import io.backfillfleet.store.TimeWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Tenants' timestamps in memory, answering histograms exactly like a store would; counts the queries. */
final class InMemoryHistory implements EffortSlicer.HistogramSource {
  private final Map<String, long[]> times = new HashMap<>();
  private final Map<String, Long> noTimestamp = new HashMap<>();
  int queries;

  void add(String tenant, long[] epochMillis, long withoutTimestamp) {
    long[] sorted = epochMillis.clone();
    Arrays.sort(sorted);
    times.put(tenant, sorted);
    noTimestamp.put(tenant, withoutTimestamp);
  }

  TenantSpan span(String tenant) {
    long[] t = times.get(tenant);
    long nots = noTimestamp.get(tenant);
    return new TenantSpan(tenant, t.length + nots, t.length == 0 ? null : Instant.ofEpochMilli(t[0]),
        t.length == 0 ? null : Instant.ofEpochMilli(t[t.length - 1]), nots);
  }

  long count(String tenant, TimeWindow w) {
    long[] t = times.get(tenant);
    return lowerBound(t, w.to().toEpochMilli()) - lowerBound(t, w.from().toEpochMilli());
  }

  @Override
  public Histogram histogram(String tenant, TimeWindow w, Duration bucket) {
    queries++;
    List<Histogram.Bucket> out = new ArrayList<>();
    long step = bucket.toMillis();
    for (long s = w.from().toEpochMilli(); s < w.to().toEpochMilli(); s += step) {
      long e = Math.min(s + step, w.to().toEpochMilli());
      TimeWindow b = TimeWindow.of(Instant.ofEpochMilli(s), Instant.ofEpochMilli(e));
      out.add(new Histogram.Bucket(b.from(), b.to(), count(tenant, b)));
    }
    return new Histogram(out);
  }

  private static int lowerBound(long[] a, long key) {
    int lo = 0, hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

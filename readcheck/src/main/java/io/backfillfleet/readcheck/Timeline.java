package io.backfillfleet.readcheck;

import java.util.ArrayList;
import java.util.List;

/**
 * Requests and mismatches over time in at most {@value #MAX_BUCKETS} buckets: the bucket width starts at one
 * second and doubles (neighbours merged) whenever the run outgrows it, so a ten-second replay and a ten-day
 * mirror both draw a useful line in bounded memory. Not thread-safe; {@link ReadCheckResults} guards it.
 */
final class Timeline {
  static final int MAX_BUCKETS = 120;

  private long startMillis = -1;
  private long widthMillis = 1000;
  private final List<long[]> buckets = new ArrayList<>(); // {requests, mismatches}

  void record(long atMillis, boolean mismatch) {
    if (startMillis < 0) startMillis = atMillis;
    long i = Math.max(0, (atMillis - startMillis) / widthMillis);
    while (i >= MAX_BUCKETS) {
      merge();
      i = Math.max(0, (atMillis - startMillis) / widthMillis);
    }
    while (buckets.size() <= i) buckets.add(new long[2]);
    long[] b = buckets.get((int) i);
    b[0]++;
    if (mismatch) b[1]++;
  }

  private void merge() {
    List<long[]> merged = new ArrayList<>();
    for (int i = 0; i < buckets.size(); i += 2) {
      long[] a = buckets.get(i);
      long[] b = i + 1 < buckets.size() ? buckets.get(i + 1) : new long[2];
      merged.add(new long[] {a[0] + b[0], a[1] + b[1]});
    }
    buckets.clear();
    buckets.addAll(merged);
    widthMillis *= 2;
  }

  List<ReadCheckReport.TimePoint> points() {
    List<ReadCheckReport.TimePoint> out = new ArrayList<>();
    for (int i = 0; i < buckets.size(); i++) {
      long[] b = buckets.get(i);
      out.add(new ReadCheckReport.TimePoint(i * widthMillis / 1000.0, widthMillis / 1000.0, b[0], b[1]));
    }
    return out;
  }
}

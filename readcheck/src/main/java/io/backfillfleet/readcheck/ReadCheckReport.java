package io.backfillfleet.readcheck;

import java.util.List;
import java.util.Map;

/**
 * A read check's results at one moment, for the HTML page, the JSON and the gate. Latencies in milliseconds.
 *
 * @param settled   reads that differed at first and agreed when asked again after the settle delay (lag)
 * @param dropped   mirror only: reads not mirrored because the new cluster fell behind (queue full)
 * @param sampledOut mirror only: reads not mirrored by the sampling rate
 */
public record ReadCheckReport(String startedAt, double seconds, long requests, long mismatches, long settled,
    double mismatchRatio, ClusterStats legacy, ClusterStats candidate, double latencyRatio, List<ShapeVerdict> shapes,
    List<TimePoint> timeline, List<Example> worst, List<String> ignoreRules, double settleSeconds, long dropped,
    long sampledOut, Gate gate) {

  /** One cluster's side: where, how many reads, how many failed (no answer or 5xx), and its latency. */
  public record ClusterStats(String name, String url, long requests, long errors, double errorRate, Latency latency) {}

  /** @param curve {percentile, milliseconds} pairs for the side-by-side distribution */
  public record Latency(double p50, double p95, double p99, double max, double mean, List<double[]> curve) {}

  /** A query shape's verdict: {@code same}, {@code differs}, {@code slower} or {@code differs, slower}. */
  public record ShapeVerdict(String shape, long requests, long mismatches, long settled, double mismatchRatio,
      Map<Difference.Kind, Long> kinds, Latency legacy, Latency candidate, double latencyRatio, String verdict) {}

  public record TimePoint(double startSecond, double widthSeconds, long requests, long mismatches) {}

  /** A mismatch worth reading: what differs, both answers (cut) and a copy-as-curl of each request. */
  public record Example(String shape, String label, int severity, List<String> differences, int legacyStatus,
      int candidateStatus, String legacyCurl, String candidateCurl, String legacyAnswer, String candidateAnswer) {}

  /** The readiness gate: thresholds, verdict and, when not ready, why. */
  public record Gate(double maxMismatchRatio, double maxLatencyRatio, boolean ready, List<String> reasons) {}
}

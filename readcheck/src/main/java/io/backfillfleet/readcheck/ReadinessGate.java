package io.backfillfleet.readcheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * When the new cluster is ready for reads: at most {@code maxMismatchRatio} of compared reads differ (after the
 * settle re-ask), and its p99 latency is at most {@code maxLatencyRatio} times legacy's. No reads compared means
 * not ready: "ready" is never inferred from nothing.
 */
public record ReadinessGate(double maxMismatchRatio, double maxLatencyRatio) {

  public ReadinessGate {
    if (maxMismatchRatio < 0 || maxMismatchRatio > 1) {
      throw new IllegalArgumentException("--max-mismatch-ratio must be between 0 and 1, not " + maxMismatchRatio);
    }
    if (!(maxLatencyRatio > 0)) throw new IllegalArgumentException("--max-latency-ratio must be above 0, not " + maxLatencyRatio);
  }

  ReadCheckReport.Gate judge(long requests, double mismatchRatio, double latencyRatio) {
    List<String> reasons = new ArrayList<>();
    if (requests == 0) reasons.add("no reads were compared");
    if (mismatchRatio > maxMismatchRatio) {
      reasons.add(String.format(Locale.ROOT, "%.4f of reads differ (at most %.4f allowed)", mismatchRatio, maxMismatchRatio));
    }
    if (latencyRatio > maxLatencyRatio) {
      reasons.add(String.format(Locale.ROOT, "new p99 is %.2fx legacy's (at most %.2fx allowed)", latencyRatio, maxLatencyRatio));
    }
    return new ReadCheckReport.Gate(maxMismatchRatio, maxLatencyRatio, reasons.isEmpty(), reasons);
  }

  String shapeVerdict(long mismatches, long requests, double latencyRatio) {
    boolean differs = mismatches > 0 && (double) mismatches / requests > maxMismatchRatio;
    boolean slower = latencyRatio > maxLatencyRatio;
    if (differs && slower) return "differs, slower";
    if (differs) return "differs";
    return slower ? "slower" : "same";
  }
}

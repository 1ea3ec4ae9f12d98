package io.backfillfleet.readcheck;

import io.backfillfleet.readcheck.ReadCheckReport.ClusterStats;
import io.backfillfleet.readcheck.ReadCheckReport.Example;
import io.backfillfleet.readcheck.ReadCheckReport.Latency;
import io.backfillfleet.readcheck.ReadCheckReport.ShapeVerdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.HdrHistogram.Histogram;

/**
 * Everything a read check has seen, in bounded memory whether it runs ten seconds or ten days: HdrHistograms of
 * both clusters' latencies (overall and per shape, at most {@value #MAX_SHAPES} shapes, the rest as "(other
 * shapes)"), counts per shape and kind, a {@link Timeline}, and the {@value #WORST} worst mismatches.
 * Thread-safe: every method is synchronized (the mirror records from several threads).
 */
public final class ReadCheckResults {
  static final int MAX_SHAPES = 200;
  static final int WORST = 20;
  private static final long MAX_MICROS = 600_000_000L; // ten minutes: any slower read is recorded as ten minutes
  private static final double[] CURVE = {50, 75, 90, 95, 99, 99.9, 100};

  private final Instant started = Instant.now();
  private final long startNanos = System.nanoTime();
  private final String legacyUrl;
  private final String candidateUrl;
  private final Side legacy = new Side();
  private final Side candidate = new Side();
  private final Map<String, ShapeStats> shapes = new LinkedHashMap<>();
  private final Timeline timeline = new Timeline();
  private final PriorityQueue<Outcome> worst = new PriorityQueue<>(Comparator.comparingInt(Outcome::severity));
  private long requests;
  private long mismatches;
  private long settled;
  private long dropped;
  private long sampledOut;

  public ReadCheckResults(String legacyUrl, String candidateUrl) {
    this.legacyUrl = legacyUrl;
    this.candidateUrl = candidateUrl;
  }

  private static final class Side {
    final Histogram latency = new Histogram(MAX_MICROS, 3);
    long errors;

    void record(Answer a, long nanos) {
      latency.recordValue(Math.min(MAX_MICROS, Math.max(0, nanos / 1000)));
      if (a.isError()) errors++;
    }
  }

  private static final class ShapeStats {
    final Side legacy = new Side();
    final Side candidate = new Side();
    final Map<Difference.Kind, Long> kinds = new EnumMap<>(Difference.Kind.class);
    long requests;
    long mismatches;
    long settled;
  }

  public synchronized void record(Outcome o) {
    requests++;
    if (o.mismatch()) mismatches++;
    if (o.settled()) settled++;
    legacy.record(o.legacy(), o.legacyNanos());
    candidate.record(o.candidate(), o.candidateNanos());
    String key = shapes.containsKey(o.shape()) || shapes.size() < MAX_SHAPES ? o.shape() : "(other shapes)";
    ShapeStats s = shapes.computeIfAbsent(key, k -> new ShapeStats());
    s.requests++;
    if (o.mismatch()) s.mismatches++;
    if (o.settled()) s.settled++;
    s.legacy.record(o.legacy(), o.legacyNanos());
    s.candidate.record(o.candidate(), o.candidateNanos());
    for (Difference d : o.differences()) s.kinds.merge(d.kind(), 1L, Long::sum);
    timeline.record(o.at().toEpochMilli(), o.mismatch());
    if (o.mismatch()) {
      worst.add(o);
      if (worst.size() > WORST) worst.poll();
    }
  }

  /** The mirror could not keep up: a read was not sent to the new cluster. */
  public synchronized void dropped() {
    dropped++;
  }

  public synchronized void sampledOut() {
    sampledOut++;
  }

  public synchronized ReadCheckReport report(ReadinessGate gate, List<String> ignoreRules, double settleSeconds) {
    Latency l = latency(legacy.latency);
    Latency c = latency(candidate.latency);
    double ratio = ratio(c.p99(), l.p99());
    double mismatchRatio = requests == 0 ? 0 : (double) mismatches / requests;
    List<ShapeVerdict> verdicts = new ArrayList<>();
    shapes.forEach((name, s) -> {
      Latency sl = latency(s.legacy.latency);
      Latency sc = latency(s.candidate.latency);
      double r = ratio(sc.p99(), sl.p99());
      verdicts.add(new ShapeVerdict(name, s.requests, s.mismatches, s.settled, (double) s.mismatches / s.requests,
          Map.copyOf(s.kinds), sl, sc, r, gate.shapeVerdict(s.mismatches, s.requests, r)));
    });
    verdicts.sort(Comparator.comparingLong(ShapeVerdict::mismatches).reversed()
        .thenComparing(Comparator.comparingLong(ShapeVerdict::requests).reversed()));
    List<Outcome> w = new ArrayList<>(worst);
    w.sort(Comparator.comparingInt(Outcome::severity).reversed());
    List<Example> examples = w.stream().map(o -> new Example(o.shape(), o.pair().label(), o.severity(),
        o.differences().stream().map(Difference::toString).toList(), o.legacy().status(), o.candidate().status(),
        o.pair().legacy().curl(legacyUrl), o.pair().candidate().curl(candidateUrl), o.legacy().excerpt(4000),
        o.candidate().excerpt(4000))).toList();
    ClusterStats ls = new ClusterStats("legacy", legacyUrl, requests, legacy.errors, rate(legacy.errors), l);
    ClusterStats cs = new ClusterStats("new", candidateUrl, requests, candidate.errors, rate(candidate.errors), c);
    return new ReadCheckReport(started.toString(), (System.nanoTime() - startNanos) / 1e9, requests, mismatches, settled,
        mismatchRatio, ls, cs, ratio, verdicts, timeline.points(), examples, ignoreRules, settleSeconds, dropped,
        sampledOut, gate.judge(requests, mismatchRatio, ratio));
  }

  private double rate(long errors) {
    return requests == 0 ? 0 : (double) errors / requests;
  }

  private static double ratio(double candidate, double legacy) {
    if (legacy <= 0) return candidate <= 0 ? 1.0 : Double.POSITIVE_INFINITY;
    return candidate / legacy;
  }

  private static Latency latency(Histogram h) {
    if (h.getTotalCount() == 0) return new Latency(0, 0, 0, 0, 0, List.of());
    List<double[]> curve = new ArrayList<>();
    for (double p : CURVE) curve.add(new double[] {p, ms(h.getValueAtPercentile(p))});
    return new Latency(ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(95)), ms(h.getValueAtPercentile(99)),
        ms(h.getMaxValue()), h.getMean() / 1000.0, curve);
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }
}

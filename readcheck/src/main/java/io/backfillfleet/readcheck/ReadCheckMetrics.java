package io.backfillfleet.readcheck;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The read check's metrics, for a comparison watched in Prometheus for days: reads compared, mismatches (by kind),
 * reads that settled on the re-ask, errors and latency per cluster, and the mirror's drops.
 */
public final class ReadCheckMetrics {
  /** What each metric means, by Dropwizard name (the HELP line on {@code /metrics}, and the README's table). */
  public static final java.util.Map<String, String> HELP = java.util.Map.ofEntries(
      java.util.Map.entry("readcheck.compared", "Reads sent to both clusters and compared."),
      java.util.Map.entry("readcheck.mismatches", "Compared reads whose answers still differed after the settle delay (legacy's own motion left out)."),
      java.util.Map.entry("readcheck.mismatches.{kind}", "Mismatched reads by kind of difference (status, hits, ids, order, fields, buckets, body)."),
      java.util.Map.entry("readcheck.settled", "Reads that differed at first and agreed when asked again after the settle delay (lag, not a mismatch)."),
      java.util.Map.entry("readcheck.legacy.errors", "Reads the legacy cluster answered with an error or not at all."),
      java.util.Map.entry("readcheck.new.errors", "Reads the new cluster answered with an error or not at all."),
      java.util.Map.entry("readcheck.legacy.latency", "Time the legacy cluster took to answer a compared read."),
      java.util.Map.entry("readcheck.new.latency", "Time the new cluster took to answer a compared read."),
      java.util.Map.entry("mirror.dropped", "Reads the mirror did not compare because its queue was full (callers never wait for it)."),
      java.util.Map.entry("mirror.mirrored", "Reads the mirror passed to legacy and offered for comparison."),
      java.util.Map.entry("mirror.queue", "Reads waiting to be sent to the new cluster."));
  private final MetricRegistry registry;
  private final Counter compared;
  private final Counter mismatched;
  private final Counter settled;
  private final Counter legacyErrors;
  private final Counter candidateErrors;
  private final Timer legacyLatency;
  private final Timer candidateLatency;
  private final Counter dropped;
  private final Counter mirrored;

  public ReadCheckMetrics(MetricRegistry registry) {
    this.registry = registry;
    compared = registry.counter("readcheck.compared");
    mismatched = registry.counter("readcheck.mismatches");
    settled = registry.counter("readcheck.settled");
    legacyErrors = registry.counter("readcheck.legacy.errors");
    candidateErrors = registry.counter("readcheck.new.errors");
    legacyLatency = registry.timer("readcheck.legacy.latency");
    candidateLatency = registry.timer("readcheck.new.latency");
    dropped = registry.counter("mirror.dropped");
    mirrored = registry.counter("mirror.mirrored");
  }

  public MetricRegistry registry() {
    return registry;
  }

  void record(Outcome o) {
    compared.inc();
    if (o.mismatch()) {
      mismatched.inc();
      o.differences().stream().map(d -> d.kind()).distinct()
          .forEach(k -> registry.counter("readcheck.mismatches." + k.name().toLowerCase(java.util.Locale.ROOT)).inc());
    }
    if (o.settled()) settled.inc();
    if (o.legacy().isError()) legacyErrors.inc();
    if (o.candidate().isError()) candidateErrors.inc();
    legacyLatency.update(o.legacyNanos(), TimeUnit.NANOSECONDS);
    candidateLatency.update(o.candidateNanos(), TimeUnit.NANOSECONDS);
  }

  void dropped() {
    dropped.inc();
  }

  void mirrored() {
    mirrored.inc();
  }
}

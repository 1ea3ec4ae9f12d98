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

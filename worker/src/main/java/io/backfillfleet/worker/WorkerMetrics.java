package io.backfillfleet.worker;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.concurrent.atomic.AtomicInteger;

/** The worker's metrics, in one Dropwizard registry (exported over HTTP, JMX and the progress log). */
public final class WorkerMetrics {
  final MetricRegistry registry = new MetricRegistry();
  final Meter docsRead = registry.meter("docs.read");
  final Meter docsCreated = registry.meter("docs.created");
  final Meter docsAlreadyPresent = registry.meter("docs.already_present");
  final Meter docsRejected = registry.meter("docs.rejected");
  final Timer readLatency = registry.timer("read.latency");
  final Timer writeLatency = registry.timer("write.latency");
  final Timer checkpointLatency = registry.timer("checkpoint.latency");
  final Counter slicesDone = registry.counter("slices.done");
  final Counter slicesFailed = registry.counter("slices.failed");
  final Counter slicesFenced = registry.counter("slices.fenced");
  final AtomicInteger claimsHeld = new AtomicInteger();

  public WorkerMetrics() {
    registry.gauge("claims.held", () -> claimsHeld::get);
  }

  public long docsRead() {
    return docsRead.getCount();
  }

  public long docsCreated() {
    return docsCreated.getCount();
  }

  public long slicesFenced() {
    return slicesFenced.getCount();
  }

  public MetricRegistry registry() {
    return registry;
  }
}

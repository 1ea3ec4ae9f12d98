package io.backfillfleet.worker;

import com.codahale.metrics.MetricRegistry;
import io.backfillfleet.store.StoreConfig;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Serves {@code /metrics} with the official Prometheus client: a Dropwizard registry (the worker's, or the mirror's
 * and replayer's), described by its catalog and labelled for the job, and the JVM's own metrics (GC pauses, heap,
 * threads), so a frozen holder or a pod near its memory limit shows. Content negotiation (Prometheus text,
 * OpenMetrics, protobuf) is the client's.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final HTTPServer server;

  private MetricsEndpoint(HTTPServer server) {
    this.server = server;
  }

  /** The registry a scrape reads: the described Dropwizard metrics, labelled, and the JVM's. */
  private static PrometheusRegistry registry(MetricRegistry dropwizard, MetricHelp help, Map<String, String> labels) {
    List<String> names = new ArrayList<>(labels.keySet());
    Labels constant = Labels.of(names, names.stream().map(labels::get).toList());
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new DescribedDropwizardMetrics(dropwizard, help, constant));
    JvmMetrics.builder().register(registry);
    return registry;
  }

  /**
   * The labels on every backfill series of a process serving a job: {@code backfill_job} (Prometheus keeps {@code job}
   * for the scrape job; left out when {@code job} is null) and both engines, so a fleet's pods sum up across jobs and
   * migrations.
   */
  public static Map<String, String> labels(String job, StoreConfig source, StoreConfig target) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (job != null) labels.put("backfill_job", job);
    labels.put("source_engine", source.engineKind().name().toLowerCase(Locale.ROOT));
    labels.put("target_engine", target.engineKind().name().toLowerCase(Locale.ROOT));
    return labels;
  }

  /** Starts serving on {@code port} (0: any free port); {@code labels} go on every backfill series. */
  public static MetricsEndpoint start(int port, MetricRegistry dropwizard, MetricHelp help, Map<String, String> labels)
      throws IOException {
    return new MetricsEndpoint(HTTPServer.builder().port(port).registry(registry(dropwizard, help, labels))
        .buildAndStart());
  }

  /** One exported family, as the README's metrics table lists it. */
  public record Described(String name, String type, String help) {}

  /** The families a registry exports (without the JVM's), by name, as a scrape shows them. */
  public static List<Described> describe(MetricRegistry dropwizard, MetricHelp help) {
    List<Described> out = new ArrayList<>();
    for (MetricSnapshot s : new DescribedDropwizardMetrics(dropwizard, help, Labels.EMPTY).collect()) {
      String type = s instanceof CounterSnapshot ? "counter" : s instanceof SummarySnapshot ? "summary" : "gauge";
      String name = s.getMetadata().getPrometheusName() + (s instanceof CounterSnapshot ? "_total" : "");
      out.add(new Described(name, type, s.getMetadata().getHelp()));
    }
    out.sort(java.util.Comparator.comparing(Described::name));
    return out;
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}

package io.backfillfleet.worker;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Dropwizard registry as Prometheus metrics. The official bridge converts (meters and counters to counters, timers
 * to summaries in seconds, gauges); this class names, describes and labels what it converted: the prefix
 * {@code backfill_}, {@code _seconds} on timers, the HELP text from the code's {@link MetricHelp} catalog, and the
 * labels every series of this process carries (job, engines). A Dropwizard name that a catalog pattern with a
 * {@code {label}} segment matches becomes one family with that label (the read check's mismatches per kind).
 */
final class DescribedDropwizardMetrics implements MultiCollector {
  static final String PREFIX = "backfill_";

  private final MetricRegistry registry;
  private final DropwizardExports bridge;
  private final MetricHelp help;
  private final Labels constant;

  DescribedDropwizardMetrics(MetricRegistry registry, MetricHelp help, Labels constant) {
    this.registry = registry;
    this.bridge = new DropwizardExports(registry);
    this.help = help;
    this.constant = constant;
  }

  @Override
  public MetricSnapshots collect() {
    Map<String, String> dropwizardNames = new HashMap<>();
    for (String n : registry.getNames()) {
      dropwizardNames.put(PrometheusNaming.sanitizeMetricName(n), n);
      dropwizardNames.put(PrometheusNaming.sanitizeMetricName(n + "_total"), n); // the bridge's name for a meter
    }
    Map<String, Family> families = new LinkedHashMap<>();
    for (MetricSnapshot s : bridge.collect()) {
      String dropwizard = dropwizardNames.getOrDefault(s.getMetadata().getName(), s.getMetadata().getName());
      MetricHelp.Entry entry = help.find(dropwizard);
      Labels labels = entry.labelValue(dropwizard) == null ? constant
          : constant.add(entry.labelName(), entry.labelValue(dropwizard));
      String name = PREFIX + PrometheusNaming.sanitizeMetricName(entry.familyName(dropwizard))
          + (s instanceof SummarySnapshot ? "_seconds" : "");
      families.computeIfAbsent(name, n -> new Family(new MetricMetadata(n, entry.help()), s)).add(s, labels);
    }
    MetricSnapshots.Builder out = MetricSnapshots.builder();
    families.values().forEach(f -> out.metricSnapshot(f.snapshot()));
    return out.build();
  }

  /** One exported family: the bridge's snapshots of one type, relabelled. */
  private static final class Family {
    final MetricMetadata metadata;
    final MetricSnapshot kind;
    final List<Object> points = new ArrayList<>();

    Family(MetricMetadata metadata, MetricSnapshot kind) {
      this.metadata = metadata;
      this.kind = kind;
    }

    void add(MetricSnapshot s, Labels labels) {
      if (s instanceof CounterSnapshot c) {
        c.getDataPoints().forEach(p -> points.add(new CounterDataPointSnapshot(p.getValue(), p.getLabels().merge(labels),
            p.getExemplar(), p.getCreatedTimestampMillis())));
      } else if (s instanceof GaugeSnapshot g) {
        g.getDataPoints().forEach(p -> points.add(new GaugeDataPointSnapshot(p.getValue(), p.getLabels().merge(labels),
            p.getExemplar())));
      } else if (s instanceof SummarySnapshot sum) {
        sum.getDataPoints().forEach(p -> points.add(new SummaryDataPointSnapshot(p.getCount(), p.getSum(),
            p.getQuantiles(), p.getLabels().merge(labels), p.getExemplars(), p.getCreatedTimestampMillis())));
      } else {
        throw new IllegalStateException("no export for a " + s.getClass().getSimpleName() + " (" + metadata.getName() + ")");
      }
    }

    @SuppressWarnings("unchecked")
    MetricSnapshot snapshot() {
      if (kind instanceof CounterSnapshot) return new CounterSnapshot(metadata, (List<CounterDataPointSnapshot>) (List<?>) points);
      if (kind instanceof GaugeSnapshot) return new GaugeSnapshot(metadata, (List<GaugeDataPointSnapshot>) (List<?>) points);
      return new SummarySnapshot(metadata, (List<SummaryDataPointSnapshot>) (List<?>) points);
    }
  }
}

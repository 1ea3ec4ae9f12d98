package io.backfillfleet.worker;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/** Serves a registry on {@code /metrics} in the Prometheus text format (names prefixed {@code backfill_}): the worker's, and the mirror's and replayer's. */
public final class PrometheusEndpoint implements AutoCloseable {
  private final HttpServer server;

  public PrometheusEndpoint(MetricRegistry registry, int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/metrics", exchange -> {
      byte[] body = render(registry).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  static String render(MetricRegistry registry) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Meter> e : registry.getMeters().entrySet()) {
      String n = name(e.getKey()) + "_total";
      sb.append("# TYPE ").append(n).append(" counter\n").append(n).append(' ').append(e.getValue().getCount()).append('\n');
    }
    for (Map.Entry<String, Counter> e : registry.getCounters().entrySet()) {
      String n = name(e.getKey()) + "_total";
      sb.append("# TYPE ").append(n).append(" counter\n").append(n).append(' ').append(e.getValue().getCount()).append('\n');
    }
    for (Map.Entry<String, Gauge> e : registry.getGauges().entrySet()) {
      Object v = e.getValue().getValue();
      if (!(v instanceof Number num)) continue;
      String n = name(e.getKey());
      sb.append("# TYPE ").append(n).append(" gauge\n").append(n).append(' ').append(num).append('\n');
    }
    for (Map.Entry<String, Timer> e : registry.getTimers().entrySet()) {
      String n = name(e.getKey()) + "_seconds";
      Snapshot s = e.getValue().getSnapshot();
      sb.append("# TYPE ").append(n).append(" summary\n");
      for (double q : new double[] {0.5, 0.95, 0.99}) {
        sb.append(n).append("{quantile=\"").append(q).append("\"} ")
            .append(String.format(Locale.ROOT, "%.6f", s.getValue(q) / 1e9)).append('\n');
      }
      sb.append(n).append("_count ").append(e.getValue().getCount()).append('\n');
    }
    return sb.toString();
  }

  private static String name(String dropwizard) {
    return "backfill_" + dropwizard.replaceAll("[^A-Za-z0-9_]", "_");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

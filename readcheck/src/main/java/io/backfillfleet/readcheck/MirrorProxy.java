package io.backfillfleet.readcheck;

import com.codahale.metrics.Gauge;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A proxy in front of the legacy cluster's query endpoint. Every request goes to legacy and its answer goes back
 * to the caller unchanged (status, headers, bytes). Reads ({@link ReadTraffic#isRead}) are also sent, with the
 * job's credentials for the new cluster, to the new cluster in the background and compared by the
 * {@link ReadCheck}: the caller never waits for the new cluster and never sees its failures. When the new cluster
 * falls behind, the bounded queue fills and further reads are counted as dropped, not queued without end. Writes
 * are passed to legacy and never mirrored: the dual-writer owns them.
 */
public final class MirrorProxy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MirrorProxy.class);
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "content-length",
      "te", "trailer", "upgrade", "proxy-authenticate", "proxy-authorization");

  /** @param sample share of reads to mirror (1.0 all); @param queue reads waiting for the new cluster at most */
  public record Settings(int port, double sample, int queue, int threads, int callerThreads) {
    public Settings {
      if (sample < 0 || sample > 1) throw new IllegalArgumentException("--sample must be between 0 and 1");
      if (queue < 1) throw new IllegalArgumentException("--queue must be at least 1");
      if (threads < 1) throw new IllegalArgumentException("--mirror-threads must be at least 1");
    }
  }

  static {
    // the JDK server writes headers and body apart: without TCP_NODELAY, Nagle and delayed ACKs add ~40 ms per answer
    if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final ClusterClient legacy;
  private final ReadTraffic traffic;
  private final ReadCheck check;
  private final ReadCheckMetrics metrics;
  private final Settings settings;
  private final HttpServer server;
  private final ExecutorService callers;
  private final ThreadPoolExecutor mirror;

  public MirrorProxy(ClusterClient legacy, ReadTraffic traffic, ReadCheck check, ReadCheckMetrics metrics,
      Settings settings) throws IOException {
    this.legacy = legacy;
    this.traffic = traffic;
    this.check = check;
    this.metrics = metrics;
    this.settings = settings;
    this.mirror = new ThreadPoolExecutor(settings.threads(), settings.threads(), 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(settings.queue()), r -> {
          Thread t = new Thread(r, "mirror-new");
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    metrics.registry().gauge("mirror.queue", () -> (Gauge<Integer>) () -> mirror.getQueue().size());
    this.callers = Executors.newFixedThreadPool(settings.callerThreads(), r -> {
      Thread t = new Thread(r, "mirror-caller");
      t.setDaemon(true);
      return t;
    });
    try {
      this.server = HttpServer.create(new InetSocketAddress(settings.port()), 256);
    } catch (java.net.BindException e) {
      mirror.shutdownNow();
      callers.shutdownNow();
      throw new io.backfillfleet.store.StoreConfigException("cannot listen on port " + settings.port() + ": "
          + e.getMessage() + "; choose another with --listen");
    }
    server.createContext("/", this::handle);
    server.setExecutor(callers);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      String method = ex.getRequestMethod();
      String target = ex.getRequestURI().getRawPath()
          + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
      long t0 = System.nanoTime();
      HttpResponse<byte[]> resp;
      try {
        resp = legacy.forward(method, target, body, ex.getRequestHeaders());
      } catch (IOException | InterruptedException e) {
        if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        byte[] msg = ("backfill mirror: the legacy cluster did not answer: " + e).getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(502, msg.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(msg);
        }
        return;
      }
      long legacyNanos = System.nanoTime() - t0;
      resp.headers().map().forEach((k, v) -> {
        if (!HOP_BY_HOP.contains(k.toLowerCase(Locale.ROOT)) && !k.startsWith(":")) ex.getResponseHeaders().put(k, v);
      });
      byte[] answer = resp.body();
      boolean noBody = method.equals("HEAD") || resp.statusCode() == 204 || resp.statusCode() == 304;
      ex.sendResponseHeaders(resp.statusCode(), noBody ? -1 : answer.length == 0 ? -1 : answer.length);
      if (!noBody && answer.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(answer);
        }
      }
      // the caller has its answer; from here on nothing it waits for
      offer(method, ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery(), body,
          ex.getRequestHeaders().getFirst("Content-Type"), resp, legacyNanos);
    } catch (RuntimeException e) {
      LOG.warn("mirror: request failed", e);
    }
  }

  private void offer(String method, String path, String query, byte[] body, String contentType,
      HttpResponse<byte[]> resp, long legacyNanos) {
    ReadRequest r;
    try {
      r = new ReadRequest(method, path, query, body.length == 0 ? null : new String(body, StandardCharsets.UTF_8),
          contentType);
    } catch (IllegalArgumentException e) {
      return;
    }
    if (!traffic.isRead(r)) return;
    if (settings.sample() < 1.0 && ThreadLocalRandom.current().nextDouble() >= settings.sample()) {
      check.sampledOut();
      return;
    }
    Answer legacyAnswer = new Answer(resp.statusCode(), decoded(resp), legacyNanos, null);
    QueryPair pair = traffic.pair(r);
    try {
      mirror.execute(() -> {
        try {
          Answer candidate = check.candidateClient().send(pair.candidate());
          metrics.mirrored();
          check.judge(pair, legacyAnswer, candidate);
        } catch (RuntimeException e) {
          LOG.warn("mirror: comparing {} {} failed", method, path, e);
        }
      });
    } catch (RejectedExecutionException full) {
      check.dropped();
    }
  }

  /** The body to compare: gzip undone (the caller got the bytes as they were). */
  private static byte[] decoded(HttpResponse<byte[]> resp) {
    boolean gzip = resp.headers().firstValue("Content-Encoding").map(v -> v.toLowerCase(Locale.ROOT).contains("gzip"))
        .orElse(false);
    if (!gzip) return resp.body();
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(resp.body()))) {
      return in.readAllBytes();
    } catch (IOException e) {
      return resp.body();
    }
  }

  /** Stops taking requests, then waits up to {@code drain} for mirrored reads in flight. */
  public void stop(java.time.Duration drain) throws InterruptedException {
    server.stop(0);
    callers.shutdown();
    mirror.shutdown();
    mirror.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    server.stop(0);
    callers.shutdownNow();
    mirror.shutdownNow();
  }
}

package io.backfillfleet.readcheck;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A test's stand-in for a slow network or an overloaded cluster in front of a real server: forwards every request
 * after {@code delayMillis} and keeps the bytes it answered, in order, so a test can compare them with what a
 * caller of the mirror received.
 */
final class DelayingProxy implements AutoCloseable {
  private static final Set<String> SKIP = Set.of("connection", "content-length", "host", "transfer-encoding", "upgrade",
      "expect", "keep-alive");
  static {
    System.setProperty("sun.net.httpserver.nodelay", "true"); // as the mirror: no Nagle delay on answers
  }

  private final HttpServer server;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final String target;
  private volatile long delayMillis;
  final List<byte[]> answered = new CopyOnWriteArrayList<>();
  final List<String> asked = new CopyOnWriteArrayList<>();

  DelayingProxy(String targetUrl, long delayMillis) throws IOException {
    this.target = targetUrl.replaceAll("/+$", "");
    this.delayMillis = delayMillis;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
    server.setExecutor(Executors.newFixedThreadPool(16));
    server.createContext("/", ex -> {
      try (ex) {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
          body = in.readAllBytes();
        }
        if (this.delayMillis > 0) Thread.sleep(this.delayMillis); // the injected slowness itself, not a test's wait
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + ex.getRequestURI().toString()))
            .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        ex.getRequestHeaders().forEach((k, v) -> {
          if (!SKIP.contains(k.toLowerCase(Locale.ROOT))) v.forEach(x -> b.header(k, x));
        });
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        asked.add(ex.getRequestMethod() + " " + ex.getRequestURI());
        answered.add(r.body());
        r.headers().map().forEach((k, v) -> {
          if (!SKIP.contains(k.toLowerCase(Locale.ROOT))) ex.getResponseHeaders().put(k, v);
        });
        ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
        if (r.body().length > 0) {
          try (OutputStream out = ex.getResponseBody()) {
            out.write(r.body());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    server.start();
  }

  void delay(long millis) {
    delayMillis = millis;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

package io.backfillfleet.readcheck;

import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.StoreConfigException;
import io.backfillfleet.store.StoreTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends reads to one cluster over plain HTTP and returns its exact bytes. Credentials and the trust store come
 * from the job's store config (environment variables or files, never arguments); with several base URLs, requests
 * go round-robin.
 */
public final class ClusterClient {
  private static final java.util.Set<String> RESTRICTED = java.util.Set.of("connection", "content-length", "expect",
      "host", "upgrade", "transfer-encoding", "keep-alive", "proxy-connection", "te", "trailer");

  private final String name;
  private final List<URI> bases;
  private final HttpClient http;
  private final Duration timeout;
  private final Optional<String> authorization;
  private final AtomicInteger next = new AtomicInteger();

  private ClusterClient(String name, List<URI> bases, HttpClient http, Duration timeout, Optional<String> authorization) {
    this.name = name;
    this.bases = bases;
    this.http = http;
    this.timeout = timeout;
    this.authorization = authorization;
  }

  /**
   * @param name     "legacy" or "new", for messages
   * @param baseUrls the servers' root URLs (scheme, host, port; any path is dropped: request paths are absolute)
   */
  public static ClusterClient of(String name, List<String> baseUrls, StoreConfig config, Map<String, String> env) {
    if (baseUrls.isEmpty()) throw new StoreConfigException(name + ": no URL to send reads to");
    List<URI> bases = baseUrls.stream().map(u -> root(name, u)).toList();
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(config.connectTimeout())
        .version(HttpClient.Version.HTTP_1_1);
    if (config.trustStore() != null) b.sslContext(StoreTls.sslContext(config, env));
    Optional<String> auth;
    Optional<String> apiKey = config.apiKey(env);
    if (apiKey.isPresent()) {
      auth = Optional.of("ApiKey " + apiKey.get());
    } else if (config.username() != null) {
      String pair = config.username() + ":" + config.password(env).orElse("");
      auth = Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    } else {
      auth = Optional.empty();
    }
    return new ClusterClient(name, bases, b.build(), config.requestTimeout(), auth);
  }

  private static URI root(String name, String url) {
    try {
      URI u = URI.create(url);
      if (u.getScheme() == null || u.getHost() == null) throw new IllegalArgumentException("no scheme or host");
      return new URI(u.getScheme(), null, u.getHost(), u.getPort(), null, null, null);
    } catch (Exception e) {
      throw new StoreConfigException(name + ": '" + url + "' is not a URL like http://host:9200 (" + e.getMessage() + ")");
    }
  }

  public String name() {
    return name;
  }

  /** The first base URL, for copy-as-curl lines. */
  public String baseUrl() {
    return bases.get(0).toString();
  }

  /** Sends with the job's credentials for this cluster. */
  public Answer send(ReadRequest r) {
    return send(r, Map.of());
  }

  /**
   * Sends {@code r}; {@code headers} are added as given (the mirror passes the caller's own, Authorization
   * included, to legacy). Never throws for a failed request: the answer says what happened.
   */
  public Answer send(ReadRequest r, Map<String, List<String>> headers) {
    long t0 = System.nanoTime();
    try {
      HttpRequest.Builder b = request(r.method(), r.target(), r.body() == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(r.body(), StandardCharsets.UTF_8), headers);
      boolean callerAuth = headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("authorization"));
      boolean callerType = headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("content-type"));
      if (!callerAuth) authorization.ifPresent(a -> b.header("Authorization", a));
      if (!callerType && r.contentType() != null) b.header("Content-Type", r.contentType());
      HttpResponse<byte[]> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(resp.statusCode(), resp.body(), System.nanoTime() - t0, null);
    } catch (IOException e) {
      return Answer.failed(name + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()),
          System.nanoTime() - t0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Answer.failed("interrupted", System.nanoTime() - t0);
    }
  }

  /** A request to the next base URL with {@code headers} as given, hop-by-hop ones left out. */
  private HttpRequest.Builder request(String method, String target, HttpRequest.BodyPublisher body,
      Map<String, List<String>> headers) {
    URI base = bases.get(Math.floorMod(next.getAndIncrement(), bases.size()));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + target)).timeout(timeout).method(method, body);
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      if (RESTRICTED.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) continue;
      for (String v : h.getValue()) b.header(h.getKey(), v);
    }
    return b;
  }

  /**
   * Sends the caller's request as it came (method, path and query, body bytes, the caller's headers, no credentials
   * of ours) and returns the whole response, headers included: the mirror's way to legacy.
   */
  public HttpResponse<byte[]> forward(String method, String target, byte[] body, Map<String, List<String>> headers)
      throws IOException, InterruptedException {
    return http.send(request(method, target, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(body), headers).build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}

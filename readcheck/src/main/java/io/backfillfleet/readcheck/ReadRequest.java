package io.backfillfleet.readcheck;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * One read as sent to a cluster: method, path from the server's root ({@code /solr/tenants/select},
 * {@code /logs/_search}), the query string exactly as the caller encoded it, and the body (Elasticsearch's JSON
 * or NDJSON), which may be null.
 */
public record ReadRequest(String method, String path, String query, String body, String contentType) {

  public ReadRequest {
    method = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
    if (path == null || !path.startsWith("/")) throw new IllegalArgumentException("path '" + path + "' must start with /");
    query = query == null ? "" : query;
    if (body != null && body.isEmpty()) body = null;
    if (contentType == null && body != null) contentType = body.startsWith("{") ? "application/json" : "application/x-ndjson";
  }

  public static ReadRequest get(String path, Map<String, ?> params) {
    return new ReadRequest("GET", path, encode(params), null, null);
  }

  public static ReadRequest post(String path, String jsonBody) {
    return new ReadRequest("POST", path, "", jsonBody, "application/json");
  }

  /** {@code params} as a query string; a value that is a list repeats the name (Solr's fq). */
  public static String encode(Map<String, ?> params) {
    if (params == null) return "";
    List<String> parts = new ArrayList<>();
    params.forEach((k, v) -> {
      List<?> values = v instanceof List<?> l ? l : List.of(String.valueOf(v));
      for (Object one : values) {
        parts.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(String.valueOf(one),
            StandardCharsets.UTF_8));
      }
    });
    return String.join("&", parts);
  }

  /** The parameter names, sorted and without repeats: with the path, what makes a query's shape. */
  public TreeSet<String> paramNames() {
    TreeSet<String> names = new TreeSet<>();
    if (query.isEmpty()) return names;
    for (String part : query.split("&")) {
      if (part.isEmpty()) continue;
      int eq = part.indexOf('=');
      names.add(URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8));
    }
    return names;
  }

  /** The path and query string, as on the request line. */
  public String target() {
    return query.isEmpty() ? path : path + "?" + query;
  }

  /** The same request with another path (the new cluster's collection name). */
  public ReadRequest withPath(String newPath) {
    return new ReadRequest(method, newPath, query, body, contentType);
  }

  /**
   * A command an engineer can paste to ask {@code baseUrl} the same; credentials are left out on purpose (add
   * {@code -u user} or an Authorization header yourself).
   */
  public String curl(String baseUrl) {
    StringBuilder sb = new StringBuilder("curl -sS");
    if (!method.equals("GET") || body != null) sb.append(" -X ").append(method);
    sb.append(" '").append(shellQuoted(stripSlash(baseUrl) + target())).append('\'');
    if (body != null) {
      sb.append(" -H 'Content-Type: ").append(contentType).append("' --data-binary '").append(shellQuoted(body)).append('\'');
    }
    return sb.toString();
  }

  private static String stripSlash(String base) {
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  private static String shellQuoted(String s) {
    return s.replace("'", "'\\''");
  }
}

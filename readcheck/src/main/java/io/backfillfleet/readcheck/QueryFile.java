package io.backfillfleet.readcheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backfillfleet.store.StoreConfigException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Captured reads to replay, one JSON object per line (blank lines and lines starting with {@code #} skipped):
 * <pre>
 * {"method": "GET", "path": "/solr/tenants/select", "params": {"q": "*:*", "fq": ["tenant:acme"], "rows": 10}}
 * {"method": "POST", "path": "/logs/_search", "body": {"query": {"term": {"tenant": "acme"}}}}
 * {"legacy": {...one request...}, "new": {...one request...}, "shape": "acme's dashboard"}
 * </pre>
 * A single request is sent to both clusters, with the legacy collection or index name in its path replaced by the
 * new one's. A pair ({@code legacy}/{@code new}) says the same question in each cluster's words: needed when the
 * engines differ. {@code path} starts at the server's root; {@code params} values may be lists (repeated
 * parameters); {@code body} is a JSON object or, for NDJSON ({@code _msearch}), a string. {@code query} may
 * replace {@code params} with an already-encoded query string.
 */
public final class QueryFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private QueryFile() {}

  /** @param sameEngine whether single requests may be sent to both clusters */
  public static List<QueryPair> read(Path file, ReadTraffic traffic, boolean sameEngine) {
    List<QueryPair> pairs = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) continue;
        try {
          pairs.add(parse(JSON.readTree(t), traffic, sameEngine));
        } catch (IOException | IllegalArgumentException e) {
          throw new StoreConfigException(file + " line " + n + ": " + e.getMessage().lines().findFirst().orElse("")
              + " (see 'backfill compare --help' for the format)");
        }
      }
    } catch (IOException e) {
      throw new StoreConfigException("cannot read " + file + ": " + e.getMessage());
    }
    if (pairs.isEmpty()) throw new StoreConfigException(file + " holds no requests");
    return pairs;
  }

  /** Writes {@code pairs} in this format (each as a legacy/new pair), to be edited and replayed with --queries. */
  public static void write(Path file, List<QueryPair> pairs) {
    StringBuilder sb = new StringBuilder();
    for (QueryPair p : pairs) {
      com.fasterxml.jackson.databind.node.ObjectNode n = JSON.createObjectNode();
      if (p.shape() != null) n.put("shape", p.shape());
      n.set("legacy", json(p.legacy()));
      n.set("new", json(p.candidate()));
      sb.append(n).append('\n');
    }
    try {
      Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StoreConfigException("cannot write " + file + ": " + e.getMessage());
    }
  }

  private static JsonNode json(ReadRequest r) {
    com.fasterxml.jackson.databind.node.ObjectNode n = JSON.createObjectNode();
    n.put("method", r.method()).put("path", r.path());
    if (!r.query().isEmpty()) n.put("query", r.query());
    if (r.body() != null) {
      try {
        n.set("body", r.body().startsWith("{") && r.body().lines().count() == 1 ? JSON.readTree(r.body())
            : JSON.getNodeFactory().textNode(r.body()));
      } catch (IOException e) {
        n.put("body", r.body());
      }
    }
    return n;
  }

  static QueryPair parse(JsonNode n, ReadTraffic traffic, boolean sameEngine) {
    if (!n.isObject()) throw new IllegalArgumentException("not a JSON object");
    String shape = n.hasNonNull("shape") ? n.get("shape").asText() : null;
    if (n.has("legacy") || n.has("new")) {
      if (!n.has("legacy") || !n.has("new")) throw new IllegalArgumentException("a pair needs both 'legacy' and 'new'");
      return new QueryPair(request(n.get("legacy")), request(n.get("new")), shape, null);
    }
    if (!sameEngine) {
      throw new IllegalArgumentException("the clusters run different engines: each line must be a pair {\"legacy\": ...,"
          + " \"new\": ...} saying the same question in each engine's words");
    }
    QueryPair p = traffic.pair(request(n));
    return new QueryPair(p.legacy(), p.candidate(), shape, null);
  }

  static ReadRequest request(JsonNode n) {
    if (!n.hasNonNull("path")) throw new IllegalArgumentException("'path' is missing");
    String query;
    if (n.has("query")) {
      query = n.get("query").asText();
    } else {
      Map<String, Object> params = new LinkedHashMap<>();
      n.path("params").fields().forEachRemaining(e -> {
        JsonNode v = e.getValue();
        if (v.isArray()) {
          List<String> values = new ArrayList<>();
          v.forEach(x -> values.add(x.asText()));
          params.put(e.getKey(), values);
        } else {
          params.put(e.getKey(), v.asText());
        }
      });
      query = ReadRequest.encode(params);
    }
    JsonNode b = n.get("body");
    String body = b == null || b.isNull() ? null : b.isTextual() ? b.asText() : b.toString();
    String method = n.hasNonNull("method") ? n.get("method").asText() : body == null ? "GET" : "POST";
    return new ReadRequest(method, n.get("path").asText(), query, body, null);
  }
}

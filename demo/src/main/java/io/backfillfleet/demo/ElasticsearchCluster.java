package io.backfillfleet.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backfillfleet.testkit.ElasticsearchNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One index of a real Elasticsearch or OpenSearch node, talked to over plain HTTP by the dual-writer: a node of its
 * own (an 8.x node for the demo and the fault suite) or a node shared by several runs (the migration matrix).
 */
final class ElasticsearchCluster implements Cluster {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ElasticsearchNode node;
  private final boolean owned;
  private final String index;
  private final HttpClient http = HttpClient.newHttpClient();

  /** A node of its own, of that product and version (on this JVM's Java). */
  ElasticsearchCluster(ElasticsearchNode.Product product, String version) {
    try {
      node = ElasticsearchNode.start(ElasticsearchNode.distribution(product, version), product, version,
          Paths.get(System.getProperty("java.home")), "512m", List.of());
    } catch (Exception e) {
      throw new IllegalStateException("cannot start " + product.engine() + " " + version + ": " + e.getMessage(), e);
    }
    owned = true;
    index = "events";
  }

  private ElasticsearchCluster(ElasticsearchNode node, String index) {
    this.node = node;
    this.owned = false;
    this.index = index;
  }

  /** {@code index} on a node others share; closing it leaves the node running. */
  static ElasticsearchCluster shared(ElasticsearchNode node, String index) {
    return new ElasticsearchCluster(node, index);
  }

  @Override
  public String defaultCollection() {
    return index;
  }

  @Override
  public String storeYaml(String collection) {
    return "{engine: " + node.engine() + ", endpoints: [\"" + node.httpUrl() + "\"], collection: " + collection + "}";
  }

  private JsonNode send(String method, String path, String body, String contentType) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.httpUrl() + path)).header("Content-Type", contentType);
      b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300 && r.statusCode() != 404) {
        throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + ": " + r.body());
      }
      return JSON.readTree(r.body());
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void dropCollection(String name) {
    send("DELETE", "/" + name, null, "application/json");
  }

  @Override
  public void createCollection(String name) {
    send("PUT", "/" + name, """
        {"settings":{"number_of_shards":2,"number_of_replicas":0},"mappings":{"properties":{
        "id":{"type":"keyword"},"tenant":{"type":"keyword"},"ts":{"type":"date"},"origin":{"type":"keyword"},
        "n":{"type":"integer"},"title":{"type":"text"}}}}""", "application/json");
  }

  private static String source(HistoryDoc d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", d.id());
    m.put("tenant", d.tenant());
    if (d.ts() != null) m.put("ts", d.ts().toString());
    m.put("origin", d.origin());
    m.put("n", d.n());
    m.put("title", "event " + d.id() + " of " + d.tenant());
    try {
      return JSON.writeValueAsString(m);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void bulkIndex(List<HistoryDoc> docs) {
    StringBuilder sb = new StringBuilder();
    for (HistoryDoc d : docs) {
      sb.append("{\"index\":{\"_id\":\"").append(d.id()).append("\"}}\n").append(source(d)).append('\n');
    }
    JsonNode r = send("POST", "/" + index + "/_bulk", sb.toString(), "application/x-ndjson");
    if (r.path("errors").asBoolean()) throw new IllegalStateException("bulk indexing into legacy Elasticsearch failed");
  }

  @Override
  public void upsert(HistoryDoc doc) {
    send("PUT", "/" + index + "/_doc/" + doc.id(), source(doc), "application/json");
  }

  @Override
  public void delete(String id) {
    send("DELETE", "/" + index + "/_doc/" + id, null, "application/json");
  }

  @Override
  public String originOf(String id) {
    JsonNode r = send("GET", "/" + index + "/_doc/" + id, null, "application/json");
    return r.path("found").asBoolean() ? r.path("_source").path("origin").asText() : null;
  }

  @Override
  public void commit() {
    send("POST", "/" + index + "/_refresh", null, "application/json");
  }

  @Override
  public io.backfillfleet.store.StoreConfig storeConfig(String collection) {
    return io.backfillfleet.store.StoreConfig.restApi(node.engine(), node.httpUrl(), collection);
  }

  @Override
  public void stopNodes() {
    if (!owned) throw new IllegalStateException("a shared Elasticsearch node is not stopped by one of its users");
    node.stopProcess();
  }

  @Override
  public void startNodes() {
    try {
      node.startAgain();
      send("GET", "/_cluster/health/" + index + "?wait_for_status=yellow&timeout=60s", null, "application/json");
    } catch (Exception e) {
      throw new IllegalStateException("starting Elasticsearch again: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (owned) node.close();
  }
}

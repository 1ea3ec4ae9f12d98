package io.backfillfleet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ElasticsearchNodeIT {
  private final HttpClient http = HttpClient.newHttpClient();

  private String send(String method, String url, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + url + ": " + r.body()).isBetween(200, 299);
    return r.body();
  }

  private void writeAndReadBack(ElasticsearchNode node) throws Exception {
    assertThat(node.isAlive()).isTrue();
    send("PUT", node.httpUrl() + "/smoke/_create/doc-1?refresh=true", "{\"tenant\":\"acme\",\"title\":\"hello es\"}");
    assertThat(send("GET", node.httpUrl() + "/smoke/_doc/doc-1", null)).contains("\"hello es\"");
    assertThat(send("GET", node.httpUrl() + "/_nodes/_local?filter_path=nodes.*.version", null)).contains(node.version());
  }

  @Test
  void elasticsearch8StoresADocument() throws Exception {
    writeAndReadBack(ElasticsearchNode.es8());
  }

  @Test
  void openSearchNodesStoreADocument() throws Exception {
    writeAndReadBack(ElasticsearchNode.opensearch1());
    writeAndReadBack(ElasticsearchNode.opensearch2());
    ElasticsearchNode os3 = ElasticsearchNode.opensearch3().orElseThrow(() -> new AssertionError("OpenSearch 3 needs"
        + " the JDK 21+ that Elasticsearch 9 runs on"));
    writeAndReadBack(os3);
    assertThat(send("GET", os3.httpUrl() + "/", null)).contains("\"distribution\" : \"opensearch\"");
  }

  @Test
  void elasticsearch710StoresADocument() throws Exception {
    writeAndReadBack(ElasticsearchNode.es710());
  }

  @Test
  void elasticsearch9RunsWhereAJdkForItExists() throws Exception {
    boolean jdk = Files.isExecutable(Paths.get(System.getProperty("backfill.es9.java.home",
        "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin/java"));
    Optional<ElasticsearchNode> es9 = ElasticsearchNode.es9();
    assertThat(es9.isPresent()).as("ES 9 started exactly when a JDK 21+ exists").isEqualTo(jdk);
    if (es9.isPresent()) writeAndReadBack(es9.get());
  }
}

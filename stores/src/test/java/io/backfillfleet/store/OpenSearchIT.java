package io.backfillfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.backfillfleet.testkit.ElasticsearchNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What differs on OpenSearch: its point-in-time API (2.4+), none on 1.3, and a clear word for the wrong engine. */
class OpenSearchIT {
  private static final Instant T0 = Instant.parse("2024-03-01T00:00:00Z");

  private static String get(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
    return r.body();
  }

  private static int readAll(SearchStore store) {
    int n = 0;
    try (WindowReader r = store.reader("acme", TimeWindow.of(T0, T0.plusSeconds(3600)), Cursor.START)) {
      for (boolean last = false; !last; ) {
        Page p = r.readPage(7);
        n += p.docs().size();
        last = p.last();
      }
    }
    return n;
  }

  /** The point-in-times open on the node (OpenSearch lists them). */
  private static int openPits(ElasticsearchNode node) throws Exception {
    return new ObjectMapper().readTree(get(node.httpUrl() + "/_search/point_in_time/_all")).path("pits").size();
  }

  @Test
  void openSearch2ReadsInAPointInTimeAndClosesIt() throws Exception {
    ElasticsearchNode node = ElasticsearchNode.opensearch2();
    StoreConfig cfg = StoreFixture.es("os2").newCollection("pit");
    try (SearchStore store = Stores.open("source", cfg)) {
      store.createIfAbsent(TestDocs.series("acme", 30, T0, 1000));
      store.makeVisible();
      assertThat(store.readPath()).startsWith("OpenSearch point-in-time");
      int before = openPits(node);
      try (WindowReader r = store.reader("acme", TimeWindow.of(T0, T0.plusSeconds(3600)), Cursor.START)) {
        assertThat(r.readPage(7).docs()).hasSize(7);
        assertThat(openPits(node)).as("a reader holds one point-in-time").isEqualTo(before + 1);
      }
      assertThat(openPits(node)).as("closed with the reader").isEqualTo(before);
      assertThat(readAll(store)).isEqualTo(30);
    }
  }

  @Test
  void openSearch1ReadsTheLiveIndexWithoutAPointInTime() {
    StoreConfig cfg = StoreFixture.es("os1").newCollection("nopit");
    try (SearchStore store = Stores.open("source", cfg)) {
      store.createIfAbsent(TestDocs.series("acme", 30, T0, 1000));
      store.makeVisible();
      assertThat(store.readPath()).contains("no point-in-time");
      assertThat(readAll(store)).isEqualTo(30);
    }
  }

  @Test
  void anOpenSearchServerConfiguredAsElasticsearchIsNamedAsSuch() {
    StoreConfig os = StoreFixture.es("os2").newCollection("wrong-engine");
    StoreConfig asEs = StoreConfig.elasticsearch(os.endpoints().get(0), os.collection());
    try (SearchStore store = Stores.open("source", asEs)) {
      store.createIfAbsent(TestDocs.series("acme", 3, T0, 1000));
      store.makeVisible();
      assertThatThrownBy(() -> readAll(store)).isInstanceOf(StoreConfigException.class)
          .hasMessageContaining("set engine: opensearch");
    }
  }

  @Test
  void apiKeysAreRefusedForOpenSearchWithWhatToUseInstead() {
    StoreConfig withKey = new StoreConfig("opensearch", List.of("http://127.0.0.1:9200"), null, "idx", null, null, null,
        null, null, null, null, null, null, null, "OS_KEY", null, null, null, null, null);
    assertThatThrownBy(() -> withKey.validate("target")).isInstanceOf(StoreConfigException.class)
        .hasMessageContaining("API keys are for Elasticsearch").hasMessageContaining("username");
  }
}

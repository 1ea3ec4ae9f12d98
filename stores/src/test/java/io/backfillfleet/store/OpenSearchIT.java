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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
  void aReaderTheClusterRefusesAPointInTimeReadsTheLiveIndexInstead() throws Exception {
    ElasticsearchNode node = ElasticsearchNode.opensearch2();
    StoreConfig cfg = StoreFixture.es("os2").newCollection("pit-cap");
    String settings = node.httpUrl() + "/_cluster/settings";
    try (SearchStore store = Stores.open("source", cfg)) {
      store.createIfAbsent(TestDocs.series("acme", 30, T0, 1000));
      store.makeVisible();
      int before = openPits(node);
      // a 2-shard index: one point-in-time holds two contexts on this single node
      StoreFixture.put(settings, "{\"transient\":{\"search.max_open_pit_context\":" + (2 * before + 2) + "}}");
      try (WindowReader first = store.reader("acme", TimeWindow.of(T0, T0.plusSeconds(3600)), Cursor.START)) {
        assertThat(first.readPage(7).docs()).hasSize(7);
        assertThat(openPits(node)).as("the first reader got the last point-in-time allowed").isEqualTo(before + 1);
        // retried, the refusal would outlast the retries and fail the read
        assertThat(readAll(store)).as("a second reader, refused one, reads every document of the live index")
            .isEqualTo(30);
        assertThat(openPits(node)).isEqualTo(before + 1);
      }
    } finally {
      StoreFixture.put(settings, "{\"transient\":{\"search.max_open_pit_context\":null}}");
    }
  }

  @Test
  void aServerOfTheOtherProductIsNamedAsSuch() {
    StoreConfig os = StoreFixture.es("os2").newCollection("wrong-engine");
    StoreConfig asEs = StoreConfig.elasticsearch(os.endpoints().get(0), os.collection());
    try (SearchStore store = Stores.open("source", asEs)) {
      store.createIfAbsent(TestDocs.series("acme", 3, T0, 1000));
      store.makeVisible();
      assertThatThrownBy(() -> readAll(store)).isInstanceOf(StoreConfigException.class)
          .hasMessageContaining("is OpenSearch 2.19").hasMessageContaining("set engine: opensearch");
    }
    // an Elasticsearch server (7.10 here: the 7.17+ integ-test zips serve no GET /, so nothing tells them apart)
    StoreConfig es = StoreFixture.es("es710").newCollection("wrong-engine");
    StoreConfig asOs = StoreConfig.restApi("opensearch", es.endpoints().get(0), es.collection());
    try (SearchStore store = Stores.open("source", asOs)) {
      assertThatThrownBy(store::readPath).isInstanceOf(StoreConfigException.class)
          .hasMessageContaining("is Elasticsearch 7.10").hasMessageContaining("set engine: elasticsearch");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"os1", "es710"}) // OpenSearch 1.3, Elasticsearch 7.10 OSS
  void aServerWithoutAPointInTimeIsReadOnTheLiveIndex(String server) {
    StoreConfig cfg = StoreFixture.es(server).newCollection("nopit");
    try (SearchStore store = Stores.open("source", cfg)) {
      store.createIfAbsent(TestDocs.series("acme", 30, T0, 1000));
      store.makeVisible();
      assertThat(store.readPath()).contains("no point-in-time");
      assertThat(readAll(store)).isEqualTo(30);
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

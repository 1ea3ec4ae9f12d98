package io.backfillfleet.readcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backfillfleet.store.Engine;
import io.backfillfleet.store.StoreConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryFileTest {
  @TempDir Path dir;
  private final ReadTraffic solr = new ReadTraffic(Engine.SOLR, "old", "fresh");

  @Test
  void singleRequestsGoToBothClustersWithTheCollectionRenamed() throws Exception {
    Path f = dir.resolve("q.jsonl");
    Files.writeString(f, """
        # captured on 2026-11-30
        {"path": "/solr/old/select", "params": {"q": "*:*", "fq": ["tenant:a", "ts:[* TO NOW]"], "rows": 10}}

        {"method": "POST", "path": "/old/_search", "body": {"query": {"match_all": {}}}, "shape": "all"}
        """);
    List<QueryPair> pairs = QueryFile.read(f, solr, true);
    assertThat(pairs).hasSize(2);
    assertThat(pairs.get(0).legacy().target()).isEqualTo("/solr/old/select?q=*%3A*&fq=tenant%3Aa&fq=ts%3A%5B*+TO+NOW%5D&rows=10");
    assertThat(pairs.get(0).candidate().path()).isEqualTo("/solr/fresh/select");
    assertThat(pairs.get(0).legacy().paramNames()).containsExactly("fq", "q", "rows");
    assertThat(pairs.get(1).legacy().body()).isEqualTo("{\"query\":{\"match_all\":{}}}");
    assertThat(pairs.get(1).shape()).isEqualTo("all");
    assertThat(QueryShape.of(pairs.get(0).legacy(), "old")).isEqualTo("GET /solr/{collection}/select ?fq,q,rows");
    assertThat(QueryShape.of(new ReadRequest("GET", "/old/_doc/42", "", null, null), "old")).isEqualTo("GET /{collection}/_doc/{id}");
  }

  @Test
  void whatWasSavedReadsBackTheSame() {
    List<QueryPair> pairs = List.of(new QueryPair(ReadRequest.get("/solr/old/select", java.util.Map.of("q", "*:*")),
        ReadRequest.post("/fresh/_count", "{\"query\":{\"term\":{\"tenant\":\"a\"}}}"), "count per tenant", "tenant a"));
    Path f = dir.resolve("saved.jsonl");
    QueryFile.write(f, pairs);
    List<QueryPair> back = QueryFile.read(f, solr, false);
    assertThat(back).hasSize(1);
    assertThat(back.get(0).legacy()).isEqualTo(pairs.get(0).legacy());
    assertThat(back.get(0).candidate()).isEqualTo(pairs.get(0).candidate());
    assertThat(back.get(0).shape()).isEqualTo("count per tenant");
  }

  @Test
  void aBadLineIsNamedAndCrossEngineSinglesAreRefused() throws Exception {
    Path f = dir.resolve("bad.jsonl");
    Files.writeString(f, "{\"path\": \"/solr/old/select\"}\n{\"params\": {}}\n");
    assertThatThrownBy(() -> QueryFile.read(f, solr, true)).isInstanceOf(StoreConfigException.class)
        .hasMessageContaining("bad.jsonl line 2: 'path' is missing");
    Files.writeString(f, "{\"path\": \"/solr/old/select\"}\n");
    assertThatThrownBy(() -> QueryFile.read(f, solr, false)).hasMessageContaining("line 1").hasMessageContaining("pair");
    Files.writeString(f, "\n# nothing\n");
    assertThatThrownBy(() -> QueryFile.read(f, solr, true)).hasMessageContaining("holds no requests");
  }

  @Test
  void onlyReadsAreMirrored() {
    ReadTraffic es = new ReadTraffic(Engine.ELASTICSEARCH, "logs", "logs-v2");
    assertThat(es.isRead(new ReadRequest("POST", "/logs/_search", "", "{}", null))).isTrue();
    assertThat(es.isRead(new ReadRequest("GET", "/logs/_doc/7", "", null, null))).isTrue();
    assertThat(es.isRead(new ReadRequest("PUT", "/logs/_doc/7", "", "{}", null))).isFalse();
    assertThat(es.isRead(new ReadRequest("POST", "/logs/_doc", "", "{}", null))).isFalse();
    assertThat(es.isRead(new ReadRequest("POST", "/_bulk", "", "{}", null))).isFalse();
    assertThat(es.isRead(new ReadRequest("DELETE", "/logs/_doc/7", "", null, null))).isFalse();
    assertThat(solr.isRead(new ReadRequest("GET", "/solr/old/select", "q=*:*", null, null))).isTrue();
    assertThat(solr.isRead(new ReadRequest("POST", "/solr/old/update", "", "[]", null))).isFalse();
    assertThat(es.onNewCluster(new ReadRequest("GET", "/logs/_doc/logs", "", null, null)).path()).isEqualTo("/logs-v2/_doc/logs-v2");
  }
}

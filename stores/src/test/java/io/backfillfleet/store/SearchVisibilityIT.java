package io.backfillfleet.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.testkit.ElasticsearchNode;
import io.backfillfleet.testkit.SolrTestCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.solr.client.solrj.SolrRequest;
import org.apache.solr.client.solrj.request.GenericSolrRequest;
import org.apache.solr.client.solrj.request.RequestWriter;
import org.apache.solr.common.params.ModifiableSolrParams;
import org.junit.jupiter.api.Test;

/**
 * What the resurrection guard's counted first look relies on, against real clusters: each store reads how soon its
 * changes become searchable from the cluster's own settings (and says "no bound" where none exists), and counts ids
 * as a search sees them, under their routing.
 */
class SearchVisibilityIT {
  private static final Instant T0 = Instant.parse("2022-03-01T00:00:00Z");

  @Test
  void elasticsearchReadsTheRefreshIntervalAndNoBoundWhenRefreshIsOff() {
    ElasticsearchNode es = ElasticsearchNode.es8();
    StoreConfig cfg = StoreFixture.es("es8").newCollection("visibility");
    try (SearchStore s = Stores.open("source", cfg)) {
      assertThat(s.searchVisibility().bound()).as("the default").isEqualTo(Duration.ofSeconds(1));
      StoreFixture.put(es.httpUrl() + "/" + cfg.collection() + "/_settings", "{\"index\":{\"refresh_interval\":\"30s\"}}");
      assertThat(s.searchVisibility().bound()).isEqualTo(Duration.ofSeconds(30));
      StoreFixture.put(es.httpUrl() + "/" + cfg.collection() + "/_settings", "{\"index\":{\"refresh_interval\":\"-1\"}}");
      SearchVisibility off = s.searchVisibility();
      assertThat(off.isBounded()).isFalse();
      assertThat(off.why()).contains("-1");
    }
  }

  @Test
  void elasticsearchCountsIdsUnderTheirRoutingAsASearchSeesThem() {
    StoreConfig cfg = StoreFixture.es("es7").newCollection("counted");
    try (SearchStore s = Stores.open("source", cfg)) {
      List<Doc> docs = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Doc d = TestDocs.doc("tenant-a", "d" + i, T0.plusSeconds(i), "backfill");
        docs.add(i < 10 ? d : new Doc(d.id(), "tenant-a", d.fields())); // half of them routed by tenant
      }
      s.createIfAbsent(docs);
      s.makeVisible();
      List<DocKey> keys = docs.stream().map(Doc::key).toList();
      assertThat(s.countSearchable(keys)).hasValue(20);
      // the same ids under another routing are other documents, which do not exist
      assertThat(s.countSearchable(List.of(new DocKey("d12", "tenant-b"), new DocKey("d3", "tenant-b")))).hasValue(0);
      assertThat(s.deleteIfUnchanged(s.versions(List.of(keys.get(0), keys.get(15))))).hasSize(2);
      assertThat(s.countSearchable(keys)).as("not refreshed yet: a search still sees both").hasValue(20);
      s.makeVisible();
      assertThat(s.countSearchable(keys)).hasValue(18);
    }
  }

  @Test
  void solrReadsTheSoftCommitAndNoBoundWithoutOne() throws Exception {
    StoreConfig cfg = StoreFixture.solr("solr-legacy", true).newCollection("visibility");
    try (SearchStore s = Stores.open("source", cfg)) {
      SearchVisibility none = s.searchVisibility();
      assertThat(none.isBounded()).as("the testkit's configset commits without opening a searcher: %s", none).isFalse();
      setProperty(cfg.collection(), "updateHandler.autoSoftCommit.maxTime", 700);
      assertThat(s.searchVisibility().bound()).isEqualTo(Duration.ofMillis(700));

      List<Doc> docs = TestDocs.series("tenant-a", 30, T0, 1000);
      s.createIfAbsent(docs);
      s.makeVisible();
      List<DocKey> keys = docs.stream().map(Doc::key).toList();
      assertThat(s.countSearchable(keys)).hasValue(30);
      List<DocKey> withStrangeIds = new ArrayList<>(keys);
      withStrangeIds.add(new DocKey("a,b", null)); // a comma is the terms parser's default separator
      assertThat(s.countSearchable(withStrangeIds)).hasValue(30);
      assertThat(s.deleteIfUnchanged(s.versions(keys.subList(0, 3)))).hasSize(3);
      s.makeVisible();
      assertThat(s.countSearchable(keys)).hasValue(27);
    }
  }

  private static void setProperty(String collection, String name, int value) throws Exception {
    GenericSolrRequest r = new GenericSolrRequest(SolrRequest.METHOD.POST, "/config", new ModifiableSolrParams());
    r.setContentWriter(new RequestWriter.StringPayloadContentWriter(
        "{\"set-property\":{\"" + name + "\":" + value + "}}", "application/json"));
    SolrTestCluster.legacy().client().request(r, collection);
  }


  @Test
  void aSolrTargetSuggestsEightSlicesPerCoreOfItsNodesAndElasticsearchNone() {
    StoreConfig cfg = StoreFixture.solr("solr-new", false).newCollection("cap");
    long nodes = io.backfillfleet.testkit.SolrTestCluster.target().client().getClusterState()
        .getCollection(cfg.collection()).getReplicas().stream().map(r -> r.getNodeName()).distinct().count();
    try (SearchStore s = Stores.open("target", cfg)) {
      // the in-process nodes run in this JVM, so they have its processors
      assertThat(s.suggestedSlicesInFlight()).hasValue((int) (8 * Runtime.getRuntime().availableProcessors() * nodes));
    }
    try (SearchStore s = Stores.open("target", StoreFixture.es("es8").newCollection("cap"))) {
      assertThat(s.suggestedSlicesInFlight()).as("Elasticsearch bounds its own indexing threads").isEmpty();
    }
  }
}

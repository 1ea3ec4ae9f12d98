package io.backfillfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backfillfleet.testkit.ElasticsearchNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Elasticsearch specifics of the target contract: custom routing carried through reads, writes, lookups and
 * conditional deletes, and deletes the target refuses (no privilege, a write block) never passing for "changed
 * since".
 */
class ElasticsearchRoutingIT {
  private static final Instant FROM = Instant.parse("2023-01-01T00:00:00Z");

  private static StoreConfig routedIndex(String prefix) {
    ElasticsearchNode node = ElasticsearchNode.es8();
    String index = prefix + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    StoreFixture.put(node.httpUrl() + "/" + index, """
        {"settings":{"number_of_shards":3,"number_of_replicas":0},"mappings":{"_routing":{"required":true},
         "properties":{"id":{"type":"keyword"},"tenant":{"type":"keyword"},"ts":{"type":"date"},
         "title":{"type":"text"},"n":{"type":"integer"},"amount":{"type":"double"},"tags":{"type":"keyword"},
         "origin":{"type":"keyword"}}}}""");
    return StoreConfig.elasticsearch(node.httpUrl(), index);
  }

  @Test
  void routedDocumentsAreReadWrittenFoundAndDeletedWithTheirRouting() {
    StoreConfig cfg = routedIndex("routed");
    List<Doc> docs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Doc d = TestDocs.doc("acme", "acme-" + i, FROM.plusSeconds(i), "backfill");
      docs.add(new Doc(d.id(), "user-" + (i % 7), d.fields()));
    }
    try (SearchStore store = Stores.open("target", cfg)) {
      TestDocs.write(store, docs);
      List<Doc> read = new ArrayList<>();
      try (WindowReader r = store.reader("acme", TimeWindow.of(FROM, FROM.plusSeconds(60)), Cursor.START)) {
        for (Page p = r.readPage(7); ; p = r.readPage(7)) {
          read.addAll(p.docs());
          if (p.last()) break;
        }
      }
      assertThat(read).extracting(Doc::routing).containsExactlyElementsOf(docs.stream().map(Doc::routing).toList());
      List<DocKey> keys = read.stream().map(Doc::key).toList();
      assertThat(store.existingIds(keys)).hasSize(30);
      // seen only in the other cluster: the routing here is not known, every shard is asked
      assertThat(store.existingIds(read.stream().map(d -> DocKey.routingUnknown(d.id())).toList())).hasSize(30);
      Map<DocKey, String> versions = store.versions(keys);
      assertThat(versions).hasSize(30);
      DocKey first = keys.get(0);
      assertThat(store.deleteIfUnchanged(Map.of(first, versions.get(first)))).containsExactly(first.id());
      assertThat(store.existingIds(keys)).hasSize(29).doesNotContain(first.id());
      // a create with the same id and routing is refused as already present: one document per id
      assertThat(store.createIfAbsent(List.of(docs.get(1))).alreadyPresent()).containsExactly(docs.get(1).id());
    }
  }

  @Test
  void aTargetRoutedByAFieldRoutesEachDocumentByItsValue() {
    StoreConfig cfg = routedIndex("byfield").withRoutingField("tenant");
    try (SearchStore store = Stores.open("target", cfg)) {
      Doc d = TestDocs.doc("acme", "x-1", FROM, "backfill");
      assertThat(store.keyOf(new Doc(d.id(), "user-3", d.fields()))).isEqualTo(new DocKey("x-1", "acme"));
      TestDocs.write(store, List.of(new Doc(d.id(), "user-3", d.fields())));
      assertThat(store.existingIds(List.of(new DocKey("x-1", "acme")))).containsExactly("x-1");
    }
  }

  @Test
  void aDeleteTheTargetRefusesIsAnErrorNotAChangedDocument() {
    StoreConfig cfg = StoreFixture.es("es8").newCollection("refused");
    try (SearchStore store = Stores.open("target", cfg)) {
      store.checkCanDelete(); // allowed, and it deletes nothing
      TestDocs.write(store, List.of(TestDocs.doc("acme", "a", FROM, "backfill")));
      Map<DocKey, String> seen = store.versions(TestDocs.keys("a"));
      StoreFixture.put(cfg.endpoints().get(0) + "/" + cfg.collection() + "/_settings", "{\"index.blocks.write\":true}");
      try {
        assertThatThrownBy(() -> store.deleteIfUnchanged(seen)).isInstanceOf(StoreException.class)
            .hasMessageContaining("refused").hasMessageContaining("delete privilege");
        assertThatThrownBy(store::checkCanDelete).isInstanceOf(StoreConfigException.class)
            .hasMessageContaining("refuses deletes");
      } finally {
        StoreFixture.put(cfg.endpoints().get(0) + "/" + cfg.collection() + "/_settings", "{\"index.blocks.write\":false}");
      }
      assertThat(store.existingIds(TestDocs.keys("a"))).containsExactly("a");
    }
  }
}

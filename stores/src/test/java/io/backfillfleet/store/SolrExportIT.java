package io.backfillfleet.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.testkit.LegacySolr8Cluster;
import io.backfillfleet.testkit.SolrTestCluster;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A source whose fields all have docValues is read through /export: whole, in order, resumable; Solr 9 and 8. */
class SolrExportIT {
  static final Instant FROM = Instant.parse("2024-06-01T00:00:00Z");

  static Stream<Arguments> clusters() {
    return Stream.of(Arguments.of("solr9"), Arguments.of("solr8"));
  }

  static StoreConfig collection(String cluster, String configSet) {
    String name = "export-" + UUID.randomUUID().toString().substring(0, 8);
    if (cluster.equals("solr8")) {
      LegacySolr8Cluster.shared().createCollection(name, 2, configSet);
      return StoreConfig.solrCloud(LegacySolr8Cluster.shared().zkHost(), name);
    }
    SolrTestCluster.legacy().createCollection(name, 2, configSet);
    return StoreConfig.solrCloud(SolrTestCluster.legacy().zkHost() + "/solr", name);
  }

  static Doc doc(String tenant, int i, Instant ts) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("id", tenant + "-" + i);
    f.put("tenant", tenant);
    f.put("ts", ts.toString());
    f.put("n", i);
    f.put("amount", i / 4.0);
    f.put("origin", "history");
    return new Doc(tenant + "-" + i, f);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clusters")
  void readsEveryDocumentOnceInOrderAndResumesFromTheLastPair(String cluster) {
    StoreConfig cfg = collection(cluster, SolrTestCluster.DOCVALUES_CONFIGSET);
    List<Doc> docs = new ArrayList<>();
    for (int i = 0; i < 1_500; i++) docs.add(doc("acme", i, FROM.plusSeconds(i / 3))); // three documents per second
    docs.add(doc("acme", 9_999, FROM.minusSeconds(1))); // before the window
    docs.add(doc("globex", 1, FROM.plusSeconds(10)));   // another tenant
    TimeWindow w = TimeWindow.of(FROM, FROM.plusSeconds(500)); // [FROM, FROM+500s): 1,500 documents
    try (SearchStore store = Stores.open("source", cfg)) {
      TestDocs.write(store, docs);
      assertThat(store.readPath()).startsWith("Solr /export");

      List<Doc> firstPart = new ArrayList<>();
      Cursor resumeFrom;
      try (WindowReader r = store.reader("acme", w, Cursor.START)) {
        for (int page = 0; page < 3; page++) firstPart.addAll(r.readPage(200).docs());
        resumeFrom = r.readPage(0).next();
      }
      assertThat(firstPart).hasSize(600);
      assertThat(resumeFrom.value()).as("a cursor of the export reader").startsWith("export:");
      List<Doc> rest = new ArrayList<>();
      try (SearchStore other = Stores.open("source", cfg); WindowReader r = other.reader("acme", w, resumeFrom)) {
        for (boolean last = false; !last; ) {
          Page p = r.readPage(250);
          rest.addAll(p.docs());
          last = p.last();
        }
      }
      List<Doc> all = new ArrayList<>(firstPart);
      all.addAll(rest);
      Set<String> ids = new HashSet<>();
      for (Doc d : all) assertThat(ids.add(d.id())).as("read once: " + d.id()).isTrue();
      assertThat(ids).hasSize(1_500).doesNotContain("acme-9999", "globex-1");
      for (int i = 1; i < all.size(); i++) { // (ts, id) ascending across the resume
        String a = all.get(i - 1).fields().get("ts") + " " + all.get(i - 1).id();
        String b = all.get(i).fields().get("ts") + " " + all.get(i).id();
        assertThat(a.compareTo(b)).as(a + " before " + b).isNegative();
      }
      Doc d = all.stream().filter(x -> x.id().equals("acme-42")).findFirst().orElseThrow();
      assertThat(d.fields()).containsEntry("tenant", "acme").containsEntry("origin", "history")
          .containsEntry("ts", FROM.plusSeconds(14).toString()).doesNotContainKey("_version_");
      assertThat(((Number) d.fields().get("n")).intValue()).isEqualTo(42);
      assertThat(((Number) d.fields().get("amount")).doubleValue()).isEqualTo(10.5);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clusters")
  void aSchemaWithTextFieldsIsReadWithCursorMarkAndTheReasonIsGiven(String cluster) {
    try (SearchStore store = Stores.open("source", collection(cluster, SolrTestCluster.CONFIGSET))) {
      assertThat(store.readPath()).startsWith("Solr cursorMark").contains("dynamic fields");
    }
  }
}

package io.backfillfleet.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Solr->Solr, ES->ES, Solr->ES and ES->Solr: a window copied page by page arrives whole and equal. */
class CrossEngineCopyIT {
  static final Instant FROM = Instant.parse("2024-05-01T00:00:00Z");

  static Stream<Arguments> directions() {
    StoreFixture solrLegacy = StoreFixture.solr("solr-legacy", true);
    StoreFixture solrNew = StoreFixture.solr("solr-new", false);
    StoreFixture es8 = StoreFixture.es("es8");
    List<Arguments> out = new ArrayList<>(List.of(
        Arguments.of(solrLegacy, solrNew), Arguments.of(es8, es8), Arguments.of(solrLegacy, es8), Arguments.of(es8, solrNew)));
    StoreFixture es7 = StoreFixture.es("es7");
    out.add(Arguments.of(es7, es8));       // the legacy major into the new one
    out.add(Arguments.of(es7, solrNew));
    StoreFixture solr8 = StoreFixture.solr8();
    out.add(Arguments.of(solr8, solrNew));  // the legacy Solr major into Solr 9
    out.add(Arguments.of(solr8, es8));
    if (io.backfillfleet.testkit.ElasticsearchNode.es9().isPresent()) {
      out.add(Arguments.of(es8, StoreFixture.es("es9")));
      out.add(Arguments.of(es7, StoreFixture.es("es9")));
      out.add(Arguments.of(StoreFixture.es("es9"), solrNew));
      out.add(Arguments.of(solr8, StoreFixture.es("es9")));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("directions")
  void copiesAWindowWithDatesAndMultiValuedFields(StoreFixture from, StoreFixture to) {
    List<Doc> docs = TestDocs.series("acme", 450, FROM, 1_000);
    try (SearchStore source = Stores.open("source", from.newCollection("src"));
         SearchStore target = Stores.open("target", to.newCollection("dst"))) {
      TestDocs.write(source, docs);
      TimeWindow w = TimeWindow.of(FROM, FROM.plusSeconds(3600));
      long created = 0;
      try (WindowReader r = source.reader("acme", w, Cursor.START)) {
        for (boolean last = false; !last; ) {
          Page p = r.readPage(100);
          WriteResult wr = target.createIfAbsent(p.docs());
          assertThat(wr.rejected()).isEmpty();
          created += wr.created().size();
          last = p.last();
        }
      }
      target.makeVisible();
      assertThat(created).isEqualTo(450);
      assertThat(target.count("acme", w)).isEqualTo(450);
      Map<String, Doc> back = new HashMap<>();
      try (WindowReader r = target.reader("acme", w, Cursor.START)) {
        for (boolean last = false; !last; ) {
          Page p = r.readPage(200);
          p.docs().forEach(d -> back.put(d.id(), d));
          last = p.last();
        }
      }
      Doc original = docs.get(17);
      Doc copied = back.get(original.id());
      assertThat(Instant.parse((String) copied.fields().get("ts"))).isEqualTo(Instant.parse((String) original.fields().get("ts")));
      assertThat(copied.fields().get("tags")).isEqualTo(original.fields().get("tags"));
      assertThat(((Number) copied.fields().get("n")).intValue()).isEqualTo(original.fields().get("n"));
      assertThat(copied.fields().get("title")).isEqualTo(original.fields().get("title"));
    }
  }
}

package io.backfillfleet.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DocConverterTest {
  /** A schema like a Solr collection's: typed fields, no nulls. */
  private static final TargetFields SOLR_LIKE = new TargetFields() {
    final Map<String, FieldKind> kinds = Map.of("ts", FieldKind.DATE, "n", FieldKind.INTEGER, "price",
        FieldKind.DECIMAL, "flag", FieldKind.BOOLEAN, "title", FieldKind.STRING, "tags", FieldKind.STRING);

    @Override
    public Optional<FieldKind> kindOf(String field) {
      return Optional.ofNullable(kinds.get(field));
    }

    @Override
    public boolean holdsNulls() {
      return false;
    }
  };

  private static Doc doc(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return new Doc("d1", m);
  }

  private static DocConverter.Converted converted(DocConverter c, Doc d) {
    DocConverter.Outcome o = c.convert(d);
    assertThat(o).as(o.toString()).isInstanceOf(DocConverter.Converted.class);
    return (DocConverter.Converted) o;
  }

  @Test
  void valuesBecomeWhatTheTargetFieldHoldsWhereThatIsExact() {
    DocConverter c = new DocConverter(FieldMapping.NONE, SOLR_LIKE);
    DocConverter.Converted r = converted(c, doc("ts", 1748735841000L, "n", "42", "price", "12.5", "flag", "TRUE",
        "title", 7, "other", "kept"));
    assertThat(r.doc().fields()).containsEntry("ts", "2025-05-31T23:57:21Z").containsEntry("n", 42L)
        .containsEntry("price", 12.5).containsEntry("flag", true).containsEntry("title", "7")
        .containsEntry("other", "kept");
    assertThat(r.changes()).isEmpty();
    // other date forms Elasticsearch accepts, each the same instant
    assertThat(converted(c, doc("ts", "2025-06-01")).doc().fields()).containsEntry("ts", "2025-06-01T00:00:00Z");
    assertThat(converted(c, doc("ts", "2025-06-01T02:00:00+02:00")).doc().fields())
        .containsEntry("ts", "2025-06-01T00:00:00Z");
    assertThat(converted(c, doc("ts", "1748735841000")).doc().fields()).containsEntry("ts", "2025-05-31T23:57:21Z");
    assertThat(converted(c, doc("ts", "2025-06-01T00:00:00.123Z")).doc().fields())
        .containsEntry("ts", "2025-06-01T00:00:00.123Z");
    assertThat(converted(c, doc("n", 3.0)).doc().fields()).containsEntry("n", 3L);
  }

  @Test
  void aValueThatCannotBeConvertedRefusesTheDocumentNamingFieldValueAndType() {
    DocConverter c = new DocConverter(FieldMapping.NONE, SOLR_LIKE);
    assertThat(c.convert(doc("n", 2.5))).isEqualTo(new DocConverter.Refused(doc("n", 2.5),
        "field 'n' needs a whole number; got 2.5"));
    assertThat(((DocConverter.Refused) c.convert(doc("ts", "yesterday"))).reason())
        .isEqualTo("field 'ts' needs a date (ISO-8601 or epoch milliseconds); got \"yesterday\"");
    assertThat(((DocConverter.Refused) c.convert(doc("flag", "yes"))).reason())
        .isEqualTo("field 'flag' needs true or false; got \"yes\"");
  }

  @Test
  void nullsAndEmptyListsTheTargetCannotHoldAreReportedOrDroppedOrRefused() {
    DocConverter c = new DocConverter(FieldMapping.NONE, SOLR_LIKE);
    DocConverter.Converted r = converted(c, doc("tags", Arrays.asList("a", null, "b"), "empty", List.of(),
        "gone", null));
    assertThat(r.doc().fields()).containsEntry("tags", List.of("a", "b")).doesNotContainKeys("empty", "gone");
    assertThat(r.changes()).containsExactlyInAnyOrder("field 'tags': 1 null left out of a list of 3",
        "field 'empty': an empty list is not stored", "field 'gone': null is not stored");

    FieldMapping dropNulls = new FieldMapping(null, null, null, null, null, true, null);
    DocConverter.Converted quiet = converted(new DocConverter(dropNulls, SOLR_LIKE),
        doc("tags", Arrays.asList("a", null), "empty", List.of(), "gone", null));
    assertThat(quiet.doc().fields()).containsOnlyKeys("tags").containsEntry("tags", List.of("a"));
    assertThat(quiet.changes()).isEmpty();

    FieldMapping reject = new FieldMapping(null, null, null, null, null, null, FieldMapping.LossyValues.reject);
    DocConverter.Outcome refused = new DocConverter(reject, SOLR_LIKE).convert(doc("tags", Arrays.asList("a", null)));
    assertThat(refused).isInstanceOf(DocConverter.Refused.class);
    assertThat(((DocConverter.Refused) refused).reason()).contains("field 'tags': 1 null left out of a list of 2")
        .contains("lossyValues");
  }

  @Test
  void anElasticsearchTargetKeepsEverythingAsItIsUnlessTheMappingSaysOtherwise() {
    DocConverter asIs = new DocConverter(FieldMapping.NONE, TargetFields.AS_IS);
    Doc d = doc("ts", 1748735841000L, "tags", Arrays.asList("a", null), "empty", List.of(), "gone", null);
    DocConverter.Converted r = converted(asIs, d);
    assertThat(r.doc()).isEqualTo(d);
    assertThat(r.changes()).isEmpty();
    FieldMapping dropNulls = new FieldMapping(null, null, null, null, null, true, null);
    assertThat(converted(new DocConverter(dropNulls, TargetFields.AS_IS), d).doc().fields())
        .containsOnlyKeys("ts", "tags").containsEntry("tags", List.of("a"));
  }

  @Test
  void setCopyRenameDropAndConvertInTheirOrder() {
    FieldMapping m = new FieldMapping(Map.of("name", "title"), Set.of("secret"), Map.of("region", "eu"),
        Map.of("ts", "created_s"), Map.of("created_s", FieldKind.STRING, "when", FieldKind.DATE_FROM_EPOCH_SECONDS),
        null, null);
    DocConverter.Converted r = converted(new DocConverter(m, TargetFields.AS_IS), doc("name", "x", "secret", "s",
        "ts", 1748735841000L, "when", 1748735841L, "region", "us"));
    assertThat(r.doc().fields()).containsOnlyKeys("title", "ts", "created_s", "when", "region")
        .containsEntry("title", "x").containsEntry("ts", 1748735841000L).containsEntry("created_s", "1748735841000")
        .containsEntry("when", "2025-05-31T23:57:21Z").containsEntry("region", "eu");
  }
}

package io.backfillfleet.store.solr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SolrReadPathTest {
  static Map<String, Object> field(String name, boolean stored, boolean docValues, boolean multiValued) {
    return Map.of("name", name, "stored", stored, "docValues", docValues, "multiValued", multiValued,
        "useDocValuesAsStored", true);
  }

  static final List<Map<String, Object>> ALL_DOCVALUES = List.of(field("id", true, true, false),
      field("ts", true, true, false), field("n", true, true, false), field("_version_", false, true, false),
      field("_root_", false, false, false));

  @Test
  void exportWhenEveryCopiedFieldHasSingleValuedDocValues() {
    SolrReadPath p = SolrReadPath.choose(ALL_DOCVALUES, List.of(), Set.of("_version_"), true, false);
    assertThat(p.export()).isTrue();
    assertThat(p.fields()).containsExactly("id", "ts", "n");
    assertThat(p.reason()).startsWith("Solr /export").contains("3");
  }

  @Test
  void aStoredFieldWithoutDocValuesMeansCursorMarkAndSaysWhich() {
    List<Map<String, Object>> fields = new java.util.ArrayList<>(ALL_DOCVALUES);
    fields.add(field("title", true, false, false));
    SolrReadPath p = SolrReadPath.choose(fields, List.of(), Set.of("_version_"), true, false);
    assertThat(p.export()).isFalse();
    assertThat(p.reason()).startsWith("Solr cursorMark").contains("'title' has no docValues");
  }

  @Test
  void multiValuedDocValuesWouldLoseOrderAndDuplicates() {
    List<Map<String, Object>> fields = new java.util.ArrayList<>(ALL_DOCVALUES);
    fields.add(field("tags", true, true, true));
    assertThat(SolrReadPath.choose(fields, List.of(), Set.of(), true, false).reason()).contains("'tags' is multi-valued");
  }

  @Test
  void copyFieldDestinationsAndUnstoredFieldsDoNotCount() {
    List<Map<String, Object>> fields = new java.util.ArrayList<>(ALL_DOCVALUES);
    fields.add(field("text", true, false, true)); // a copyField destination: never copied
    fields.add(Map.of("name", "secret", "stored", false, "docValues", false, "multiValued", false));
    SolrReadPath p = SolrReadPath.choose(fields, List.of(), Set.of("_version_", "text"), true, false);
    assertThat(p.export()).isTrue();
    assertThat(p.fields()).containsExactly("id", "ts", "n");
  }

  @Test
  void storedDynamicFieldsNoZkHostOrBasicAuthMeanCursorMark() {
    assertThat(SolrReadPath.choose(ALL_DOCVALUES, List.of(field("*_s", true, true, false)), Set.of(), true, false)
        .reason()).contains("dynamic fields (*_s)");
    assertThat(SolrReadPath.choose(ALL_DOCVALUES, List.of(), Set.of(), false, false).reason()).contains("no zkHost");
    assertThat(SolrReadPath.choose(ALL_DOCVALUES, List.of(), Set.of(), true, true).reason()).contains("basic authentication");
  }

  @Test
  void theResumeFilterStartsStrictlyAfterTheLastPair() {
    io.backfillfleet.store.Cursor c = SolrExportReader.cursor(java.time.Instant.parse("2024-01-01T00:00:00Z"), "a\"b");
    assertThat(SolrExportReader.isExportCursor(c)).isTrue();
    assertThat(SolrExportReader.afterFilter(c, "ts", "id")).isEqualTo(
        "ts:{2024-01-01T00:00:00Z TO *] OR (ts:[2024-01-01T00:00:00Z TO 2024-01-01T00:00:00Z] AND id:{\"a\\\"b\" TO *])");
  }
}

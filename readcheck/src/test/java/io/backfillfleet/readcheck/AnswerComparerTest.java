package io.backfillfleet.readcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.readcheck.Difference.Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerComparerTest {
  private final AnswerComparer defaults = new AnswerComparer(IgnoreRules.withDefaults(List.of()), "id");

  private static Answer ok(String json) {
    return new Answer(200, json.replace('\'', '"').getBytes(StandardCharsets.UTF_8), 1_000_000, null);
  }

  private static List<Kind> kinds(List<Difference> d) {
    return d.stream().map(Difference::kind).toList();
  }

  private static final String SOLR = "{'responseHeader':{'QTime':3},'response':{'numFound':2,'docs':["
      + "{'id':'a','tenant':'t','ts':'2024-05-01T10:00:00Z','tags':['x'],'_version_':1},"
      + "{'id':'b','tenant':'t','ts':'2024-05-01T09:00:00.500Z','tags':['x','y'],'_version_':2}]},"
      + "'facet_counts':{'facet_fields':{'tags':['x',2,'y',1]}}}";
  private static final String ES = "{'took':7,'_shards':{'total':2},'hits':{'total':{'value':2,'relation':'eq'},"
      + "'max_score':null,'hits':[{'_index':'n','_id':'a','_score':null,'_source':{'id':'a','tenant':'t',"
      + "'ts':'2024-05-01T10:00:00.000Z','tags':'x'}},{'_index':'n','_id':'b','_source':{'id':'b','tenant':'t',"
      + "'ts':'2024-05-01T09:00:00.500Z','tags':['x','y']}}]},"
      + "'aggregations':{'tags':{'buckets':[{'key':'x','doc_count':2},{'key':'y','doc_count':1}]}}}";

  @Test
  void aSolrAnswerAndAnElasticsearchAnswerSayingTheSameAgree() {
    // dates written with and without milliseconds, a one-element list against its element, timings, scores, versions
    assertThat(defaults.compare(ok(SOLR), ok(ES))).isEmpty();
  }

  @Test
  void hitsIdsFieldsAndBucketsAreEachReported() {
    String fewer = ES.replace("'value':2", "'value':1").replace("'_id':'b'", "'_id':'c'")
        .replace("'id':'a','tenant':'t'", "'id':'a','tenant':'u'").replace("'doc_count':1", "'doc_count':0");
    List<Difference> d = defaults.compare(ok(SOLR), ok(fewer));
    assertThat(kinds(d)).containsExactly(Kind.HITS, Kind.IDS, Kind.FIELDS, Kind.BUCKETS);
    assertThat(d.get(1).detail()).contains("1 missing in new [b]").contains("1 extra in new [c]");
    assertThat(d.get(2).detail()).contains("id a field 'tenant': legacy \"t\", new \"u\"");
    assertThat(d.get(3).detail()).contains("y: 1 vs 0");
  }

  @Test
  void orderCountsUnlessIgnored() {
    String swapped = SOLR.replace("{'id':'a'", "{'id':'X'").replace("{'id':'b'", "{'id':'a'").replace("{'id':'X'", "{'id':'b'")
        .replace("'_version_':1}", "'_version_':9}");
    // swap the ids only: fields then differ too, so compare ids alone
    AnswerComparer noFields = new AnswerComparer(IgnoreRules.withDefaults(List.of("fields")), "id");
    assertThat(kinds(noFields.compare(ok(SOLR), ok(swapped)))).containsExactly(Kind.ORDER);
    AnswerComparer noOrder = new AnswerComparer(IgnoreRules.withDefaults(List.of("fields", "order")), "id");
    assertThat(noOrder.compare(ok(SOLR), ok(swapped))).isEmpty();
  }

  @Test
  void statusAndFailuresAreReportedAndTheSameRefusalIsNot() {
    assertThat(kinds(defaults.compare(ok(SOLR), new Answer(503, new byte[0], 1, null)))).containsExactly(Kind.STATUS);
    assertThat(defaults.compare(ok(SOLR), Answer.failed("connection refused", 1)).get(0).detail())
        .contains("no answer (connection refused)");
    assertThat(defaults.compare(new Answer(400, "{\"error\":\"a\"}".getBytes(), 1, null),
        new Answer(400, "{\"error\":\"b\"}".getBytes(), 1, null))).isEmpty();
  }

  @Test
  void unknownAnswersAreComparedAsJsonOutsideTheIgnoredPaths() {
    assertThat(defaults.compare(ok("{'took':1,'acknowledged':true,'x':{'y':1}}"), ok("{'took':9,'acknowledged':true,'x':{'y':1.0}}")))
        .isEmpty();
    List<Difference> d = defaults.compare(ok("{'a':{'b':1,'c':2}}"), ok("{'a':{'b':1,'c':3}}"));
    assertThat(d).extracting(Difference::detail).containsExactly("differs at a.c");
    AnswerComparer ignoring = new AnswerComparer(IgnoreRules.withDefaults(List.of("a.c")), "id");
    assertThat(ignoring.compare(ok("{'a':{'b':1,'c':2}}"), ok("{'a':{'b':1,'c':3}}"))).isEmpty();
  }

  @Test
  void msearchAnswersAreComparedPartByPart() {
    String a = "{'took':1,'responses':[{'hits':{'total':{'value':1,'relation':'eq'},'hits':[]}},{'count':5}]}";
    String b = "{'took':2,'responses':[{'hits':{'total':{'value':1,'relation':'eq'},'hits':[]}},{'count':4}]}";
    List<Difference> d = defaults.compare(ok(a), ok(b));
    assertThat(d).extracting(Difference::toString).containsExactly("HITS: responses[1] legacy 5 hits, new 4 (-1)");
  }

  @Test
  void inexactElasticsearchTotalsAreNotCompared() {
    String a = "{'hits':{'total':{'value':10000,'relation':'gte'},'hits':[]}}";
    String b = "{'hits':{'total':{'value':10000,'relation':'gte'},'hits':[]}}";
    assertThat(defaults.compare(ok(a), ok(b.replace("10000", "10000")))).isEmpty();
    assertThat(ResponseView.of(ok(a).body(), "id").hits()).isNull();
  }
}

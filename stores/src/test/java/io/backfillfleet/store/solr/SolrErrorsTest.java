package io.backfillfleet.store.solr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SolrErrorsTest {
  private static final Map<String, String> FIELDS = Map.of("tenantField", "tenant", "timestampField", "ts",
      "idField", "id");

  @Test
  void aFieldNamedAsAWordIsFound() {
    assertThat(SolrErrors.mentionedField("undefined field ts", FIELDS)).contains("timestampField 'ts'");
    assertThat(SolrErrors.mentionedField("can not sort on a field w/o docValues unless it is indexed: ts", FIELDS))
        .contains("timestampField 'ts'");
    assertThat(SolrErrors.mentionedField("Can't determine a Sort Order (asc or desc) in sort spec 'tenant asc'",
        FIELDS)).contains("tenantField 'tenant'");
  }

  @Test
  void aNameThatOnlyContainsTheFieldIsNotIt() {
    // the case: a missing collection whose name contains the timestamp field's name
    assertThat(SolrErrors.mentionedField("Collection not found: events_ts", FIELDS)).isEmpty();
    assertThat(SolrErrors.mentionedField("Could not find collection : tsdata", FIELDS)).isEmpty();
    assertThat(SolrErrors.mentionedField("Error from server at http://ts-solr:8983/solr/c: 500", FIELDS)).isEmpty();
    assertThat(SolrErrors.mentionedField("no such collection: my-tenant", FIELDS)).isEmpty();
  }
}

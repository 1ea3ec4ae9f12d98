package io.backfillfleet.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What reading a source needs of its tenant, timestamp and id fields, checked against what its schema (Solr) or
 * mapping (Elasticsearch) says. Without this a wrong {@code timestampField} either failed with a raw HTTP error or
 * was accepted and copied everything as "documents without a timestamp", unsliced.
 */
public final class FieldCheck {
  /**
   * One field as the engine describes it.
   *
   * @param type      the engine's type name, for the message (e.g. {@code text_general (solr.TextField)}, {@code long})
   * @param date      a date type that range queries, sorting and histograms read as a time
   * @param docValues sortable and aggregatable (docValues)
   * @param tokenized analysed text: its terms are words, not values
   * @param keyword   a whole-value string type (Solr StrField, Elasticsearch keyword)
   */
  public record Field(String name, String type, boolean date, boolean docValues, boolean tokenized, boolean keyword) {}

  private FieldCheck() {}

  /**
   * Throws one {@link StoreConfigException} naming every field that cannot work, its type and what is needed.
   *
   * @param found the fields the schema or mapping has, by name (absent: not there)
   * @param idMustBeKeyword Elasticsearch sorts on the id field, which must then be a keyword field
   */
  public static void require(StoreConfig config, Map<String, Field> found, boolean idMustBeKeyword) {
    List<String> problems = new ArrayList<>();
    String where = config.engineKind() == Engine.SOLR ? "schema" : "mapping";
    Field tenant = found.get(config.tenantField());
    if (tenant == null) {
      problems.add("tenantField '" + config.tenantField() + "' is not in the " + where + "; set tenantField to the field"
          + " that holds each document's tenant");
    } else if (tenant.tokenized()) {
      problems.add("tenantField '" + tenant.name() + "' is " + tenant.type() + ", analysed text whose terms are words,"
          + " not tenants; use a string/keyword field (e.g. a keyword sub-field)");
    }
    Field ts = found.get(config.timestampField());
    if (ts == null) {
      problems.add("timestampField '" + config.timestampField() + "' is not in the " + where + "; set timestampField to"
          + " the date field that holds each document's time");
    } else if (!ts.date()) {
      problems.add("timestampField '" + ts.name() + "' is " + ts.type() + ", not a date; timestampField must be a date"
          + " field with docValues");
    } else if (!ts.docValues()) {
      problems.add("timestampField '" + ts.name() + "' (" + ts.type() + ") has no docValues; reads sort and measure on"
          + " it, so it needs docValues");
    }
    Field id = found.get(config.idField());
    if (id == null) {
      problems.add("idField '" + config.idField() + "' is not in the " + where + "; set idField to the field that holds"
          + " each document's id" + (idMustBeKeyword ? " (a keyword field)" : ""));
    } else if (id.tokenized() || (idMustBeKeyword && !(id.keyword() && id.docValues()))) {
      problems.add("idField '" + id.name() + "' is " + id.type() + "; it must be a " + (idMustBeKeyword
          ? "keyword field with docValues holding the document id (reads sort on it)" : "string field, not analysed text"));
    }
    if (!problems.isEmpty()) throw new StoreConfigException(config.describe() + ": " + String.join("; ", problems));
  }
}

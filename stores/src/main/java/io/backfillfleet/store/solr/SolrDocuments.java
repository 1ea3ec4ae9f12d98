package io.backfillfleet.store.solr;

import io.backfillfleet.store.Doc;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.apache.solr.common.SolrInputDocument;

/** Converts neutral documents to Solr's, and says which ones Solr cannot take. */
final class SolrDocuments {
  private SolrDocuments() {}

  /**
   * Solr reads a map value as an atomic update ("set", "add"), which would turn a create into a partial
   * update: a nested object is rejected with a reason instead of being written wrongly.
   */
  static Optional<String> unsupported(Doc d) {
    for (Map.Entry<String, Object> e : d.fields().entrySet()) {
      Object v = e.getValue();
      boolean nested = v instanceof Map<?, ?>
          || (v instanceof Collection<?> c && c.stream().anyMatch(x -> x instanceof Map<?, ?> || x instanceof Collection<?>));
      if (nested) {
        return Optional.of("field '" + e.getKey() + "' holds a nested object, which a Solr field cannot store;"
            + " drop or rename it with the job's field mapping");
      }
    }
    return Optional.empty();
  }

  static SolrInputDocument toSolr(Doc d, String idField) {
    SolrInputDocument in = new SolrInputDocument();
    in.setField(idField, d.id());
    for (Map.Entry<String, Object> e : d.fields().entrySet()) {
      if (e.getKey().equals(idField)) continue;
      Object v = e.getValue();
      if (v instanceof Collection<?> c) {
        for (Object x : c) in.addField(e.getKey(), x);
      } else if (v != null) {
        in.setField(e.getKey(), v);
      }
    }
    return in;
  }
}

package io.backfillfleet.store.solr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a Solr source is read: through the streaming {@code /export} handler (about twice as fast as paging, measured)
 * where every field to copy can come from docValues, otherwise with {@code cursorMark} paging. Decided from the
 * schema (fields with their defaults resolved), once per store; {@link #reason()} is what the dry run prints.
 *
 * <p>Export is refused when a field to copy has no docValues (it would be missing from the copy), is multi-valued
 * (docValues keep values sorted and without duplicates, so the copy would differ), or when the schema has stored
 * dynamic fields (their names are not known up front, and Solr 8 cannot take a glob in the export field list).
 */
public record SolrReadPath(boolean export, List<String> fields, String reason) {
  static final String EXPORT = "Solr /export (streaming, sorted by timestamp and id, resumable from the last pair)";
  static final String CURSOR_MARK = "Solr cursorMark paging (sorted by timestamp and id)";

  /**
   * @param fields the schema's fields with defaults resolved ({@code /schema/fields?showDefaults=true})
   * @param dynamicFields the same for dynamic fields
   * @param excluded fields never copied ({@code _version_}, copyField destinations)
   * @param zkHostKnown export is streamed through ZooKeeper: a store given only node URLs pages with cursorMark
   * @param authenticated the streaming client does not carry basic-auth credentials here
   */
  static SolrReadPath choose(List<Map<String, Object>> fields, List<Map<String, Object>> dynamicFields,
      Set<String> excluded, boolean zkHostKnown, boolean authenticated) {
    if (!zkHostKnown) return cursorMark("the store has no zkHost (/export is streamed through ZooKeeper)");
    if (authenticated) return cursorMark("the store uses basic authentication, which the export stream does not send");
    for (Map<String, Object> d : dynamicFields) {
      if (copied(d)) {
        return cursorMark("the schema has stored dynamic fields (" + d.get("name") + "), whose names /export cannot list");
      }
    }
    List<String> names = new ArrayList<>();
    for (Map<String, Object> f : fields) {
      String name = String.valueOf(f.get("name"));
      if (excluded.contains(name) || name.equals("_root_") || name.equals("_nest_path_") || !copied(f)) continue;
      if (!flag(f, "docValues")) return cursorMark("field '" + name + "' has no docValues");
      if (flag(f, "multiValued")) {
        return cursorMark("field '" + name + "' is multi-valued (docValues would sort and de-duplicate its values)");
      }
      names.add(name);
    }
    return new SolrReadPath(true, List.copyOf(names), EXPORT + ": every field to copy (" + names.size()
        + ") has single-valued docValues");
  }

  private static SolrReadPath cursorMark(String why) {
    return new SolrReadPath(false, List.of(), CURSOR_MARK + ": " + why);
  }

  /** A field is part of a copied document when Solr returns it for fl=*: stored, or docValues used as stored. */
  private static boolean copied(Map<String, Object> f) {
    return flag(f, "stored") || (flag(f, "docValues") && flag(f, "useDocValuesAsStored"));
  }

  private static boolean flag(Map<String, Object> f, String key) {
    return Boolean.parseBoolean(String.valueOf(f.get(key)));
  }
}

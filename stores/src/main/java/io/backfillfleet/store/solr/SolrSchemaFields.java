package io.backfillfleet.store.solr;

import io.backfillfleet.store.FieldCheck;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A field of a Solr schema as {@link FieldCheck} needs it: named explicitly or matched by a dynamic field. */
final class SolrSchemaFields {
  private SolrSchemaFields() {}

  /**
   * @param fields        {@code /schema/fields?showDefaults=true}
   * @param dynamicFields {@code /schema/dynamicfields?showDefaults=true}
   * @param classes       field type name to its class
   */
  static Optional<FieldCheck.Field> describe(String name, List<Map<String, Object>> fields,
      List<Map<String, Object>> dynamicFields, Map<String, String> classes) {
    Map<String, Object> f = definition(name, fields, dynamicFields).orElse(null);
    if (f == null) return Optional.empty();
    String typeName = String.valueOf(f.get("type"));
    String cls = classes.getOrDefault(typeName, "?");
    String simple = cls.substring(cls.lastIndexOf('.') + 1);
    boolean date = simple.equals("DatePointField") || simple.equals("TrieDateField");
    boolean tokenized = simple.endsWith("TextField") || simple.equals("TextField");
    boolean keyword = simple.equals("StrField");
    boolean multi = Boolean.parseBoolean(String.valueOf(f.get("multiValued")));
    String type = typeName + " (" + cls + (multi ? ", multi-valued" : "") + ")";
    return Optional.of(new FieldCheck.Field(name, type, date && !multi,
        Boolean.parseBoolean(String.valueOf(f.get("docValues"))), tokenized, keyword));
  }

  /** The class of {@code name}'s field type, if the schema defines the field or a dynamic field matches it. */
  static Optional<String> typeClass(String name, List<Map<String, Object>> fields,
      List<Map<String, Object>> dynamicFields, Map<String, String> classes) {
    return definition(name, fields, dynamicFields).map(f -> classes.get(String.valueOf(f.get("type"))));
  }

  private static Optional<Map<String, Object>> definition(String name, List<Map<String, Object>> fields,
      List<Map<String, Object>> dynamicFields) {
    return fields.stream().filter(x -> name.equals(x.get("name"))).findFirst()
        .or(() -> dynamicFields.stream().filter(d -> matches(String.valueOf(d.get("name")), name))
            // Solr prefers the longest matching pattern
            .max(java.util.Comparator.comparingInt(d -> String.valueOf(d.get("name")).length())));
  }

  private static boolean matches(String pattern, String name) {
    if (pattern.startsWith("*")) return name.endsWith(pattern.substring(1));
    if (pattern.endsWith("*")) return name.startsWith(pattern.substring(0, pattern.length() - 1));
    return pattern.equals(name);
  }
}

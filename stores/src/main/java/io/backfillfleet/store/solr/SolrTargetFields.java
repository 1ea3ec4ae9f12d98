package io.backfillfleet.store.solr;

import io.backfillfleet.store.FieldKind;
import io.backfillfleet.store.TargetFields;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Solr schema's fields as {@link TargetFields}: the kind of each field from its type's class (explicit fields, then
 * the longest matching dynamic field). Solr stores no nulls and no empty lists.
 */
final class SolrTargetFields implements TargetFields {
  private final List<Map<String, Object>> fields;
  private final List<Map<String, Object>> dynamic;
  private final Map<String, String> classes;
  private final Map<String, Optional<FieldKind>> byName = new ConcurrentHashMap<>();

  /** @param classes field type name to its class */
  SolrTargetFields(List<Map<String, Object>> fields, List<Map<String, Object>> dynamic, Map<String, String> classes) {
    this.fields = fields;
    this.dynamic = dynamic;
    this.classes = classes;
  }

  @Override
  public Optional<FieldKind> kindOf(String field) {
    return byName.computeIfAbsent(field, f -> SolrSchemaFields.typeClass(f, fields, dynamic, classes)
        .flatMap(SolrTargetFields::kindOfClass));
  }

  @Override
  public boolean holdsNulls() {
    return false;
  }

  static Optional<FieldKind> kindOfClass(String typeClass) {
    String simple = typeClass.substring(typeClass.lastIndexOf('.') + 1);
    return Optional.ofNullable(switch (simple) {
      case "DatePointField", "TrieDateField" -> FieldKind.DATE;
      case "IntPointField", "LongPointField", "TrieIntField", "TrieLongField" -> FieldKind.INTEGER;
      case "FloatPointField", "DoublePointField", "TrieFloatField", "TrieDoubleField" -> FieldKind.DECIMAL;
      case "BoolField" -> FieldKind.BOOLEAN;
      case "StrField", "TextField", "SortableTextField" -> FieldKind.STRING;
      default -> null; // converted by Solr itself, or refused with its reason
    });
  }
}

package io.backfillfleet.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The job file's {@code fieldMapping}: what each document becomes before it is written. Applied in this order:
 * {@code copy} (from the source's field names), {@code rename}, {@code drop}, {@code set}, then {@code convert}
 * and {@code dropNulls} on the fields as written ({@link DocConverter}).
 *
 * @param rename      source field to target field
 * @param drop        fields left out
 * @param set         a constant value written to a field (replacing the source's)
 * @param copy        source field to another field that gets the same value (the source field stays)
 * @param convert     field to the type its values are converted to, exactly or not at all (the document is then
 *                    rejected with the field, the value and the type)
 * @param dropNulls   leave out nulls, nulls inside lists and empty lists (a Solr target cannot store them, so they
 *                    are otherwise reported as changed values)
 * @param lossyValues what to do with a document a target cannot hold as it was (a null in a list, an empty list, a
 *                    null on Solr): {@code write} it and count it as changed (the default), or {@code reject} it
 */
public record FieldMapping(Map<String, String> rename, Set<String> drop, Map<String, Object> set,
    Map<String, String> copy, Map<String, FieldKind> convert, Boolean dropNulls, LossyValues lossyValues) {
  public static final FieldMapping NONE = new FieldMapping(Map.of(), Set.of());

  /** What to do with a value the target cannot hold as it was. */
  public enum LossyValues {
    write, reject
  }

  public FieldMapping {
    rename = rename == null ? Map.of() : Map.copyOf(rename);
    drop = drop == null ? Set.of() : Set.copyOf(drop);
    set = set == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(set)); // values may be null
    copy = copy == null ? Map.of() : Map.copyOf(copy);
    convert = convert == null ? Map.of() : Map.copyOf(convert);
    dropNulls = dropNulls != null && dropNulls;
    lossyValues = lossyValues == null ? LossyValues.write : lossyValues;
  }

  public FieldMapping(Map<String, String> rename, Set<String> drop) {
    this(rename, drop, null, null, null, null, null);
  }

  /** The structural part (copy, rename, drop, set): the document with the target's field names. */
  public Doc apply(Doc doc) {
    if (rename.isEmpty() && drop.isEmpty() && set.isEmpty() && copy.isEmpty()) return doc;
    Map<String, Object> out = new LinkedHashMap<>();
    doc.fields().forEach((k, v) -> {
      if (!drop.contains(k)) out.put(rename.getOrDefault(k, k), v);
    });
    copy.forEach((from, to) -> {
      if (doc.fields().containsKey(from)) out.put(to, doc.fields().get(from));
    });
    out.putAll(set);
    return doc.withFields(out); // routing kept: the target may route as the source did
  }
}

package io.backfillfleet.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a source document into what is written to the target: the job's {@link FieldMapping}, then each value
 * converted to the kind the mapping's {@code convert} or the target's schema ({@link TargetFields}) asks for, where
 * that is exact (epoch milliseconds to an ISO-8601 date for a Solr date field, "42" to 42 for a number). A value that
 * cannot be converted refuses the document with the field, the value and the type; a value the target cannot hold
 * as it was (a null in a list, an empty list, a null, on Solr) is written without it and reported as a change, or
 * refuses the document when the job says {@code lossyValues: reject}.
 */
public final class DocConverter {
  private final FieldMapping mapping;
  private final TargetFields target;

  public DocConverter(FieldMapping mapping, TargetFields target) {
    this.mapping = mapping;
    this.target = target;
  }

  /** What became of one document. */
  public sealed interface Outcome {
    /** The document as it would be written (mapping applied; values converted as far as they could be). */
    Doc doc();
  }

  /** To be written; {@code changes} names each value the target will not hold as it was (empty: none). */
  public record Converted(Doc doc, List<String> changes) implements Outcome {}

  /** Not to be written, with the reason (recorded as a rejection). */
  public record Refused(Doc doc, String reason) implements Outcome {}

  public Outcome convert(Doc source) {
    Doc mapped = mapping.apply(source);
    Map<String, Object> out = new LinkedHashMap<>();
    List<String> changes = new ArrayList<>();
    boolean same = true; // every value kept as it was: the document is passed on, not copied again
    for (Map.Entry<String, Object> e : mapped.fields().entrySet()) {
      String field = e.getKey();
      Optional<FieldKind> kind = Optional.ofNullable(mapping.convert().get(field)).or(() -> target.kindOf(field));
      try {
        Object v = e.getValue() instanceof Collection<?> list ? list(field, list, kind, changes)
            : kind.isPresent() && e.getValue() != null && !(e.getValue() instanceof Map<?, ?>)
                ? ValueConversion.to(kind.get(), field, e.getValue()) : e.getValue();
        if (v != e.getValue()) same = false;
        if (v == null && !keepsNull()) {
          same = false;
          if (mapping.dropNulls()) continue; // asked for
          if (e.getValue() == null) changes.add("field '" + field + "': null is not stored");
          else if (e.getValue() instanceof Collection<?> c && c.isEmpty()) {
            changes.add("field '" + field + "': an empty list is not stored");
          } // a list of nulls only: said by list()
          continue;
        }
        out.put(field, v);
      } catch (ValueConversion.NotConvertible notConvertible) {
        return new Refused(mapped, notConvertible.getMessage());
      }
    }
    Doc doc = same ? mapped : mapped.withFields(out);
    if (!changes.isEmpty() && mapping.lossyValues() == FieldMapping.LossyValues.reject) {
      return new Refused(doc, "the target cannot hold it as it is (" + String.join("; ", changes) + "); rejected as"
          + " fieldMapping.lossyValues says (write it with 'lossyValues: write', or leave nulls out with 'dropNulls:"
          + " true')");
    }
    return new Converted(doc, List.copyOf(changes));
  }

  /** Nulls and empty lists stay only where the target keeps them and the job did not ask to drop them. */
  private boolean keepsNull() {
    return target.holdsNulls() && !mapping.dropNulls();
  }

  /** The list with each element converted; null when nothing is left to store and the target stores no empty list. */
  private List<Object> list(String field, Collection<?> values, Optional<FieldKind> kind, List<String> changes)
      throws ValueConversion.NotConvertible {
    List<Object> out = new ArrayList<>(values.size());
    int nulls = 0;
    for (Object x : values) {
      if (x == null) {
        if (keepsNull()) out.add(null);
        else nulls++;
      } else {
        out.add(kind.isPresent() && !(x instanceof Map<?, ?>) && !(x instanceof Collection<?>)
            ? ValueConversion.to(kind.get(), field, x) : x);
      }
    }
    if (nulls > 0 && !mapping.dropNulls()) {
      changes.add("field '" + field + "': " + nulls + " null" + (nulls == 1 ? "" : "s") + " left out of a list of "
          + values.size());
    }
    return out.isEmpty() && !keepsNull() ? null : out; // nothing left to store: the caller leaves the field out
  }
}

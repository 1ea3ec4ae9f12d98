package io.backfillfleet.store.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import io.backfillfleet.store.FieldCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a {@code _field_caps} answer as {@link FieldCheck} fields (a field mapped differently across indices is none of them). */
final class EsFieldCaps {
  private static final Set<String> DATES = Set.of("date", "date_nanos");
  private static final Set<String> TEXT = Set.of("text", "match_only_text", "search_as_you_type");

  private EsFieldCaps() {}

  static Map<String, FieldCheck.Field> fields(JsonNode answer) {
    Map<String, FieldCheck.Field> out = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = answer.path("fields").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      List<String> types = new ArrayList<>();
      f.getValue().fieldNames().forEachRemaining(types::add);
      types.remove("unmapped"); // indices of an alias that lack the field
      if (types.isEmpty()) continue;
      String type = String.join(" / ", types) + (types.size() > 1 ? " (mapped differently across indices)" : "");
      boolean one = types.size() == 1;
      JsonNode caps = f.getValue().path(types.get(0));
      out.put(f.getKey(), new FieldCheck.Field(f.getKey(), type, one && DATES.contains(types.get(0)),
          one && caps.path("aggregatable").asBoolean(false), types.stream().anyMatch(TEXT::contains),
          one && types.get(0).equals("keyword")));
    }
    return out;
  }
}

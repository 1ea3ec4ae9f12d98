package io.backfillfleet.coordinator;

import java.util.ArrayList;
import java.util.List;

/** A document the target refused, with the target's reason. */
public record RejectedDoc(String id, String reason) {

  static List<RejectedDoc> keepFirst(List<RejectedDoc> kept, List<RejectedDoc> added, int max) {
    if (added == null || added.isEmpty() || kept.size() >= max) return kept;
    List<RejectedDoc> out = new ArrayList<>(kept);
    for (RejectedDoc d : added) {
      if (out.size() >= max) break;
      out.add(d);
    }
    return out;
  }
}

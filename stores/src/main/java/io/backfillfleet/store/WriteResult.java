package io.backfillfleet.store;

import java.util.ArrayList;
import java.util.List;

/**
 * What a create-only write did with each document: created, already present (a live write won), or rejected by
 * the target with its reason. Every document sent is in exactly one list.
 */
public record WriteResult(List<String> created, List<String> alreadyPresent, List<Rejected> rejected) {
  public record Rejected(String id, String reason) {}

  public WriteResult {
    created = List.copyOf(created);
    alreadyPresent = List.copyOf(alreadyPresent);
    rejected = List.copyOf(rejected);
  }

  public static WriteResult empty() {
    return new WriteResult(List.of(), List.of(), List.of());
  }

  public int total() {
    return created.size() + alreadyPresent.size() + rejected.size();
  }

  public WriteResult plus(WriteResult o) {
    List<String> c = new ArrayList<>(created);
    c.addAll(o.created);
    List<String> a = new ArrayList<>(alreadyPresent);
    a.addAll(o.alreadyPresent);
    List<Rejected> r = new ArrayList<>(rejected);
    r.addAll(o.rejected);
    return new WriteResult(c, a, r);
  }
}

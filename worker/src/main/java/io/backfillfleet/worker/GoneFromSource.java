package io.backfillfleet.worker;

import com.google.common.collect.Lists;
import io.backfillfleet.store.SourceStore;
import io.backfillfleet.store.TargetStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deletes from the target the documents the source no longer has, without ever deleting a live write. Two steps
 * with a wait between them, because a live re-create can land between any source answer and any target read:
 * <ol>
 *   <li>{@link #suspects}: ids the source says are gone, with the version the target has of each, read after
 *       that answer;</li>
 *   <li>after at least the dual-writer's lag, {@link #deleteConfirmed}: the source is asked again, and what is
 *       still gone is deleted at the version of step 1.</li>
 * </ol>
 * A live re-create that reached the target after step 1 changed the version, so the delete is refused; one that
 * reached it before step 1 reached legacy at most a lag later, so the source has it by step 2 and it is kept.
 * Deleting at a version read after a single source answer would delete a re-create that landed in between.
 */
final class GoneFromSource {
  /** Ids per request: a page's worth, whatever the caller hands over. */
  private static final int BATCH = 1000;
  private final SourceStore source;
  private final TargetStore target;

  GoneFromSource(SourceStore source, TargetStore target) {
    this.source = source;
    this.target = target;
  }

  /** Ids the source does not have, with the target's version of each (ids the target lacks are left out). */
  Map<String, String> suspects(Collection<String> ids) {
    Map<String, String> out = new HashMap<>();
    for (List<String> batch : Lists.partition(List.copyOf(ids), BATCH)) {
      Set<String> inSource = source.existingIds(batch);
      List<String> gone = new ArrayList<>();
      for (String id : batch) if (!inSource.contains(id)) gone.add(id);
      if (!gone.isEmpty()) out.putAll(target.versions(gone));
    }
    return out;
  }

  /** Asks the source again; deletes the suspects it still lacks, each at its version of {@link #suspects}. */
  List<String> deleteConfirmed(Map<String, String> suspects) {
    List<String> deleted = new ArrayList<>();
    for (List<String> batch : Lists.partition(List.copyOf(suspects.keySet()), BATCH)) {
      Set<String> back = source.existingIds(batch);
      Map<String, String> confirmed = new HashMap<>();
      for (String id : batch) if (!back.contains(id)) confirmed.put(id, suspects.get(id));
      if (!confirmed.isEmpty()) deleted.addAll(target.deleteIfUnchanged(confirmed));
    }
    return deleted;
  }
}

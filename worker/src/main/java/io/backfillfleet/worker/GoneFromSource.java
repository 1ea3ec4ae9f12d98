package io.backfillfleet.worker;

import com.google.common.collect.Lists;
import io.backfillfleet.store.DocKey;
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
 *   <li>{@link #suspects}: documents the source says are gone, with the version the target has of each, read
 *       after that answer;</li>
 *   <li>after at least the dual-writer's lag, {@link #deleteConfirmed}: the source is asked again, and what is
 *       still gone is deleted at the version of step 1.</li>
 * </ol>
 * A live re-create that reached the target after step 1 changed the version, so the delete is refused; one that
 * reached it before step 1 reached legacy at most a lag later, so the source has it by step 2 and it is kept.
 * Deleting at a version read after a single source answer would delete a re-create that landed in between.
 * Each cluster is asked with the document's routing there ({@link CopiedDoc}).
 */
final class GoneFromSource {
  /** Documents per request: a page's worth, whatever the caller hands over. */
  private static final int BATCH = 1000;
  private final SourceStore source;
  private final TargetStore target;

  GoneFromSource(SourceStore source, TargetStore target) {
    this.source = source;
    this.target = target;
  }

  /** The documents the source does not have, with the target's version of each (those the target lacks are left out). */
  Map<CopiedDoc, String> suspects(Collection<CopiedDoc> docs) {
    Map<CopiedDoc, String> out = new HashMap<>();
    for (List<CopiedDoc> batch : Lists.partition(List.copyOf(docs), BATCH)) {
      Set<String> inSource = source.existingIds(batch.stream().map(CopiedDoc::inSource).toList());
      Map<DocKey, CopiedDoc> gone = new HashMap<>();
      for (CopiedDoc d : batch) if (!inSource.contains(d.id())) gone.put(d.inTarget(), d);
      if (!gone.isEmpty()) target.versions(gone.keySet()).forEach((k, v) -> out.put(gone.get(k), v));
    }
    return out;
  }

  /** Asks the source again; deletes the suspects it still lacks, each at its version of {@link #suspects}. */
  List<String> deleteConfirmed(Map<CopiedDoc, String> suspects) {
    List<String> deleted = new ArrayList<>();
    for (List<CopiedDoc> batch : Lists.partition(List.copyOf(suspects.keySet()), BATCH)) {
      Set<String> back = source.existingIds(batch.stream().map(CopiedDoc::inSource).toList());
      Map<DocKey, String> confirmed = new HashMap<>();
      for (CopiedDoc d : batch) if (!back.contains(d.id())) confirmed.put(d.inTarget(), suspects.get(d));
      if (!confirmed.isEmpty()) deleted.addAll(target.deleteIfUnchanged(confirmed));
    }
    return deleted;
  }
}

package io.backfillfleet.store;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Where history is written to (the new cluster): create-only, so a live dual-write is never overwritten. */
public interface TargetStore extends AutoCloseable {
  /** Writes each document only if its id does not exist; says exactly what happened to each. */
  WriteResult createIfAbsent(List<Doc> docs);

  long count(String tenant, TimeWindow window);

  /** Which of these ids exist in the target now. */
  Set<String> existingIds(Collection<String> ids);

  /** Makes recent writes visible to reads (Solr commit, Elasticsearch refresh). */
  void makeVisible();

  @Override
  void close();
}

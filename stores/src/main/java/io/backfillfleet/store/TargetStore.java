package io.backfillfleet.store;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Where history is written to (the new cluster): create-only, so a live dual-write is never overwritten. */
public interface TargetStore extends AutoCloseable {
  /** Writes each document only if its id does not exist; says exactly what happened to each. */
  WriteResult createIfAbsent(List<Doc> docs);

  long count(String tenant, TimeWindow window);

  /** The number of documents in the collection or index, whatever their tenant. */
  long totalDocs();

  /**
   * Throws {@link StoreConfigException} naming the collection or index when it does not exist: written to anyway, an
   * Elasticsearch index would be created with dynamic mappings, so a typo would copy everything to the wrong place.
   */
  void requireExists();

  /** Which of these ids exist in the target now. */
  Set<String> existingIds(Collection<String> ids);

  /**
   * The current version of each id that exists (an opaque token: Solr's {@code _version_}, Elasticsearch's
   * sequence number and primary term). Absent ids are left out.
   */
  java.util.Map<String, String> versions(Collection<String> ids);

  /**
   * Deletes each id only if it still has the version given (so a live write that happened since is never
   * deleted). Returns the ids actually deleted.
   */
  List<String> deleteIfUnchanged(java.util.Map<String, String> idToVersion);

  /** Makes recent writes visible to reads (Solr commit, Elasticsearch refresh). */
  void makeVisible();

  @Override
  void close();
}

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

  /**
   * How many slices the whole fleet should copy into this target at once when the operators set no cap of their
   * own ({@code backfill throttle --slices-in-flight}); empty when the target copes with any number (Elasticsearch
   * bounds its own indexing threads). Read from the cluster; empty when it cannot be read.
   */
  default java.util.OptionalInt suggestedSlicesInFlight() {
    return java.util.OptionalInt.empty();
  }

  /**
   * What the target's schema says its fields hold, for converting values between engines ({@link DocConverter}).
   * Read from the cluster once; {@link TargetFields#AS_IS} for a target that takes any value as it is.
   */
  default TargetFields fields() {
    return TargetFields.AS_IS;
  }

  /** Which of these documents exist in the target now, by id. */
  Set<String> existingIds(Collection<DocKey> keys);

  /**
   * Where {@code doc} (as it is written, after the field mapping) is stored in this target: its id and the routing
   * this target gives it (Elasticsearch: the source's routing, or a field's value when {@code routingField} is set).
   */
  default DocKey keyOf(Doc doc) {
    return doc.key();
  }

  /**
   * Whether every document is stored here under the routing it has in the source ({@link #keyOf} keeps it), so a
   * document read back from this target is found in the source with the same key. False when this target routes
   * by a field of its own.
   */
  default boolean keepsSourceRouting() {
    return true;
  }

  /**
   * The current version of each document that exists (an opaque token: Solr's {@code _version_}, Elasticsearch's
   * sequence number and primary term). Absent documents are left out.
   */
  java.util.Map<DocKey, String> versions(Collection<DocKey> keys);

  /**
   * Deletes each document only if it still has the version given (so a live write that happened since is never
   * deleted). Returns the ids actually deleted. Any answer other than "deleted", "changed since" or "already gone"
   * raises: a refused delete (no permission, a read-only index) must not pass for a live write.
   */
  List<String> deleteIfUnchanged(java.util.Map<DocKey, String> versions);

  /**
   * Raises a {@link StoreConfigException} if this target refuses deletes (credentials without the delete privilege,
   * a read-only index), found by deleting an id that does not exist: the resurrection guard must be able to delete,
   * and finding out on the first resurrected document would be too late. Changes nothing.
   */
  default void checkCanDelete() {}

  /**
   * The index settings this target lets a backfill relax while nothing reads from it ({@code --tune-target}), or
   * why it cannot.
   */
  default TuningSupport tuning() {
    // Solr: the soft-commit interval is set in the configset (shared by other collections, and already off by
    // default), and replicas cannot be dropped and brought back cheaply
    return new TuningSupport.NotTunable("--tune-target is for Elasticsearch and OpenSearch targets; Solr has no"
        + " per-collection equivalent that is safe to change, so plan without it");
  }

  /** Makes recent writes visible to reads (Solr commit, Elasticsearch refresh). */
  void makeVisible();

  @Override
  void close();
}

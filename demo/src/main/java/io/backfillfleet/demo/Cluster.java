package io.backfillfleet.demo;

import java.time.Instant;
import java.util.List;

/** One demo cluster (legacy or new) as the live dual-writer and the final checks see it. */
interface Cluster extends AutoCloseable {
  /** The job file's store section for this cluster (YAML flow mapping). */
  default String storeYaml() {
    return storeYaml(defaultCollection());
  }

  String storeYaml(String collection);

  default void createCollection() {
    createCollection(defaultCollection());
  }

  void createCollection(String name);

  /** Deletes a collection or index and its data (the benchmark's copies, so one run's targets do not weigh on the next). */
  void dropCollection(String name);

  String defaultCollection();

  void bulkIndex(List<HistoryDoc> docs);

  /** Writes a whole history in bulk batches and makes it visible. */
  default void seed(List<HistoryDoc> history) {
    for (int i = 0; i < history.size(); i += 5000) bulkIndex(history.subList(i, Math.min(history.size(), i + 5000)));
    commit();
  }

  /** A whole-document write: create or full replace, as a dual-writer does. */
  void upsert(HistoryDoc doc);

  void delete(String id);

  /** The origin field of the document, or null when it does not exist. */
  String originOf(String id);

  void commit();

  /**
   * Makes new writes searchable within {@code every}, as a cluster serving reads does (Solr: a soft commit;
   * Elasticsearch: its default one-second refresh, so nothing to do). Reads compared between two clusters are only
   * meaningful when both show their writes within the comparison's settle delay.
   */
  default void searchableWithin(java.time.Duration every) {
  }

  /** The same cluster as a store description, for reading it back at the end. */
  default io.backfillfleet.store.StoreConfig storeConfig() {
    return storeConfig(defaultCollection());
  }

  io.backfillfleet.store.StoreConfig storeConfig(String collection);

  /** An outage: every node stops; {@link #startNodes()} brings them back with their data. */
  void stopNodes();

  void startNodes();

  /** A generated document. */
  record HistoryDoc(String id, String tenant, Instant ts, String origin, int n) {}

  @Override
  void close();
}

package io.backfillfleet.demo;

import java.nio.file.Path;
import java.util.List;

/** A legacy and a new cluster of one engine, started for a run; closed through the run's closers, newest first. */
record ClusterPair(Cluster legacy, Cluster fresh) {

  static ClusterPair start(String engine, Path dir, Closers closers) {
    Cluster legacy = engine.equals("solr") ? new SolrCluster(dir.resolve("legacy"), 1) : new ElasticsearchCluster();
    closers.add(legacy);
    Cluster fresh = engine.equals("solr") ? new SolrCluster(dir.resolve("new"), 2) : new ElasticsearchCluster();
    closers.add(fresh);
    legacy.createCollection();
    return new ClusterPair(legacy, fresh);
  }

  /** Writes the history into the legacy cluster, in bulk, and makes it visible. */
  void seedLegacy(List<Cluster.HistoryDoc> history) {
    legacy.seed(history);
  }
}

package io.backfillfleet.demo;

import io.backfillfleet.testkit.ElasticsearchNode;
import java.nio.file.Path;
import java.util.List;

/** A legacy and a new cluster of one engine, started for a run; closed through the run's closers, newest first. */
record ClusterPair(Cluster legacy, Cluster fresh) {

  /** {@code engine}: "solr" (two Solr 9 clusters), "elasticsearch" (two 8.x nodes) or "opensearch" (two 2.x nodes). */
  static ClusterPair start(String engine, Path dir, Closers closers) {
    Cluster legacy = start(engine, dir.resolve("legacy"), 1);
    closers.add(legacy);
    Cluster fresh = start(engine, dir.resolve("new"), 2);
    closers.add(fresh);
    legacy.createCollection();
    return new ClusterPair(legacy, fresh);
  }

  private static Cluster start(String engine, Path dir, int shards) {
    return switch (engine) {
      case "solr" -> new SolrCluster(dir, shards);
      case "opensearch" -> new ElasticsearchCluster(ElasticsearchNode.Product.OPENSEARCH,
          System.getProperty("backfill.os2.version", "2.19.6"));
      default -> new ElasticsearchCluster(ElasticsearchNode.Product.ELASTICSEARCH,
          System.getProperty("backfill.es8.version", "8.19.21"));
    };
  }

  /** Writes the history into the legacy cluster, in bulk, and makes it visible. */
  void seedLegacy(List<Cluster.HistoryDoc> history) {
    legacy.seed(history);
  }
}

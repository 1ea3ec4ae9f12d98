package io.backfillfleet.store;

/** A store that can be read from and written to: every engine adapter is one. */
public interface SearchStore extends SourceStore, TargetStore {
  /**
   * Root URLs of the servers that answer this store's queries over HTTP (for reads compared side by side): the
   * configured endpoints, or for SolrCloud through zkHost, the live nodes.
   */
  java.util.List<String> nodeUrls();

  @Override
  void close();
}

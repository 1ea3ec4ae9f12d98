package io.backfillfleet.store;

import io.backfillfleet.store.elasticsearch.ElasticsearchStore;
import io.backfillfleet.store.solr.SolrStore;
import java.util.Map;

/** Opens the store a config describes, after checking the config. */
public final class Stores {
  private Stores() {}

  /** @param role "source" or "target": prefixes field names in configuration errors */
  public static SearchStore open(String role, StoreConfig config) {
    return open(role, config, System.getenv());
  }

  public static SearchStore open(String role, StoreConfig config, Map<String, String> env) {
    config.validate(role);
    return switch (config.engineKind()) {
      case SOLR -> new SolrStore(config, env);
      case ELASTICSEARCH, OPENSEARCH -> new ElasticsearchStore(config, env);
    };
  }
}

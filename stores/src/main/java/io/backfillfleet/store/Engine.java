package io.backfillfleet.store;

import java.util.Locale;

/** The search engines a store can talk to. */
public enum Engine {
  SOLR,
  ELASTICSEARCH,
  /** Elasticsearch's fork: the same REST API for everything a store does, its own point-in-time API. */
  OPENSEARCH;

  public static Engine parse(String s) {
    if (s == null) throw new StoreConfigException("engine is missing: use 'solr', 'elasticsearch' or 'opensearch'");
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "solr" -> SOLR;
      case "elasticsearch", "es" -> ELASTICSEARCH;
      case "opensearch", "os" -> OPENSEARCH;
      default -> throw new StoreConfigException("engine '" + s + "' is not known: use 'solr', 'elasticsearch' or"
          + " 'opensearch'");
    };
  }

  /** Whether the engine speaks Elasticsearch's REST API (indices, _bulk, _mget, search_after, sequence numbers). */
  public boolean elasticsearchApi() {
    return this != SOLR;
  }
}

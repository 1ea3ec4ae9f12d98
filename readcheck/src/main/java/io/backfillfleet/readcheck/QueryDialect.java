package io.backfillfleet.readcheck;

import io.backfillfleet.store.Engine;
import io.backfillfleet.store.StoreConfig;
import java.net.URI;
import java.time.Instant;

/** The generated questions in one engine's words, for one collection or index. */
interface QueryDialect {

  /** Documents of {@code tenant} with a timestamp in [from, to), or all of them when {@code from} is null. */
  ReadRequest count(String tenant, Instant from, Instant to);

  /** The {@code n} newest documents of {@code tenant}, whole, newest first (ties by id, descending). */
  ReadRequest newest(String tenant, int n);

  /** The {@code limit} most frequent values of {@code field} among {@code tenant}'s documents. */
  ReadRequest facet(String tenant, String field, int limit);

  /** @param nodeUrl one of the cluster's URLs: its path (Solr's {@code /solr}) prefixes the requests */
  static QueryDialect of(StoreConfig config, String nodeUrl) {
    String prefix = URI.create(nodeUrl).getPath();
    prefix = prefix == null || prefix.equals("/") ? "" : prefix.replaceAll("/+$", "");
    return config.engineKind() == Engine.SOLR ? new SolrDialect(prefix, config) : new ElasticsearchDialect(prefix, config);
  }
}

package io.backfillfleet.readcheck;

import io.backfillfleet.store.Engine;
import java.util.Set;

/**
 * Which requests are reads worth mirroring, and how a legacy request reads on the new cluster (its collection or
 * index name replaced). Writes are never mirrored: the dual-writer owns them.
 */
public final class ReadTraffic {
  private static final Set<String> SOLR_READS = Set.of("select", "query", "get");
  private static final Set<String> ES_READS = Set.of("_search", "_count", "_msearch", "_mget");

  private final Engine engine;
  private final String legacyCollection;
  private final String newCollection;

  public ReadTraffic(Engine engine, String legacyCollection, String newCollection) {
    this.engine = engine;
    this.legacyCollection = legacyCollection;
    this.newCollection = newCollection;
  }

  /** Solr {@code /select}, {@code /query}, {@code /get}; Elasticsearch searches, counts and GETs of documents. */
  public boolean isRead(ReadRequest r) {
    String[] segs = r.path().split("/");
    String last = segs.length == 0 ? "" : segs[segs.length - 1];
    boolean getOrPost = r.method().equals("GET") || r.method().equals("POST");
    if (!getOrPost) return false;
    if (engine == Engine.SOLR) return SOLR_READS.contains(last);
    if (ES_READS.contains(last)) return true;
    // GET /<index>/_doc/<id> or /_source/<id>: one document
    return r.method().equals("GET") && segs.length >= 2
        && (segs[segs.length - 2].equals("_doc") || segs[segs.length - 2].equals("_source"));
  }

  /** The same request against the new cluster: path segments naming the legacy collection name the new one. */
  public ReadRequest onNewCluster(ReadRequest legacy) {
    if (legacyCollection.equals(newCollection)) return legacy;
    StringBuilder p = new StringBuilder();
    String[] segs = legacy.path().split("/", -1);
    for (int i = 0; i < segs.length; i++) {
      if (i > 0) p.append('/');
      p.append(segs[i].equals(legacyCollection) ? newCollection : segs[i]);
    }
    return legacy.withPath(p.toString());
  }

  public QueryPair pair(ReadRequest legacy) {
    return new QueryPair(legacy, onNewCluster(legacy), null, null);
  }

  public String legacyCollection() {
    return legacyCollection;
  }
}

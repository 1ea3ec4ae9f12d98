package io.backfillfleet.store;

/**
 * How to find one document in a cluster: its id and, where the cluster routes by something other than the id
 * (Elasticsearch custom routing), the routing value it was stored with. A lookup, version read or delete sent
 * without the right routing goes to the wrong shard and answers "not found", which the resurrection guard would
 * take for "deleted".
 *
 * @param routing      null when the document is routed by its id (Solr ignores it: its ids route themselves)
 * @param routingKnown false when the routing in this cluster is not known (a document seen only in the other
 *                     cluster, which may route it differently): the store must then look on every shard
 */
public record DocKey(String id, String routing, boolean routingKnown) {
  public DocKey {
    if (id == null || id.isEmpty()) throw new IllegalArgumentException("a document key needs an id");
    if (!routingKnown && routing != null) throw new IllegalArgumentException("an unknown routing has no value");
  }

  public DocKey(String id, String routing) {
    this(id, routing, true);
  }

  /** A document routed by its id alone. */
  public static DocKey of(String id) {
    return new DocKey(id, null, true);
  }

  /** A document whose routing in this cluster is not known: looked up on every shard. */
  public static DocKey routingUnknown(String id) {
    return new DocKey(id, null, false);
  }
}

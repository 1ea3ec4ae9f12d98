package io.backfillfleet.store.solr;

import io.backfillfleet.store.SearchVisibility;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.common.cloud.DocCollection;
import org.apache.solr.common.cloud.Replica;
import org.apache.solr.common.util.NamedList;

/**
 * A collection's search visibility from its Config API ({@code /config/updateHandler}): a change is searchable after
 * the soft commit's {@code maxTime}, or else a hard commit's that opens a searcher. Only where every replica is NRT:
 * TLOG and PULL replicas search an index copied from their leader after its hard commits, later than that.
 */
final class SolrSearchVisibility {
  private SolrSearchVisibility() {}

  static SearchVisibility of(CloudSolrClient client, String collection, Supplier<NamedList<Object>> updateHandler) {
    DocCollection coll = client.getClusterState().getCollectionOrNull(collection);
    if (coll == null) return SearchVisibility.unbounded("the replicas of " + collection + " are not in the cluster state");
    for (Replica r : coll.getReplicas()) {
      if (r.getType() != Replica.Type.NRT) {
        return SearchVisibility.unbounded(collection + " has " + r.getType() + " replicas, whose searches follow"
            + " their leader's hard commits");
      }
    }
    Object handler = get(updateHandler.get().get("config"), "updateHandler");
    long soft = number(get(get(handler, "autoSoftCommit"), "maxTime"));
    if (soft > 0) return SearchVisibility.within(Duration.ofMillis(soft), collection + " autoSoftCommit maxTime " + soft);
    Object hard = get(handler, "autoCommit");
    long hardTime = number(get(hard, "maxTime"));
    if (hardTime > 0 && Boolean.parseBoolean(String.valueOf(get(hard, "openSearcher")))) {
      return SearchVisibility.within(Duration.ofMillis(hardTime), collection + " autoCommit maxTime " + hardTime
          + " with openSearcher");
    }
    return SearchVisibility.unbounded(collection + " has no autoSoftCommit maxTime and no autoCommit that opens a"
        + " searcher: changes become searchable only when a client commits");
  }

  /** A value of a Map or NamedList answer (the Config API's nesting depends on the response format); null if absent. */
  private static Object get(Object node, String key) {
    if (node instanceof Map<?, ?> m) return m.get(key);
    if (node instanceof NamedList<?> n) return n.get(key);
    return null;
  }

  private static long number(Object v) {
    if (v instanceof Number n) return n.longValue();
    try {
      return v == null ? -1 : Long.parseLong(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}

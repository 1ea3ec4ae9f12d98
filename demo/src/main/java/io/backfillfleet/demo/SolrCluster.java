package io.backfillfleet.demo;

import io.backfillfleet.testkit.SolrTestCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;

/** A real SolrCloud 9 cluster with its own embedded ZooKeeper. */
final class SolrCluster implements Cluster {
  static final String COLLECTION = "events";
  private final SolrTestCluster solr;

  SolrCluster(Path dir, int nodes) {
    this.solr = SolrTestCluster.start(dir, nodes);
  }

  @Override
  public String defaultCollection() {
    return COLLECTION;
  }

  @Override
  public String storeYaml(String collection) {
    return "{engine: solr, zkHost: \"" + solr.zkHost() + "/solr\", collection: " + collection + "}";
  }

  @Override
  public void createCollection(String name) {
    solr.createCollection(name, 2);
  }

  private static SolrInputDocument toSolr(HistoryDoc d) {
    SolrInputDocument s = new SolrInputDocument();
    s.setField("id", d.id());
    s.setField("tenant", d.tenant());
    if (d.ts() != null) s.setField("ts", Date.from(d.ts()));
    s.setField("origin", d.origin());
    s.setField("n", d.n());
    s.setField("title", "event " + d.id() + " of " + d.tenant());
    return s;
  }

  @Override
  public void bulkIndex(List<HistoryDoc> docs) {
    List<SolrInputDocument> batch = new ArrayList<>(docs.size());
    for (HistoryDoc d : docs) batch.add(toSolr(d));
    try {
      solr.client().add(COLLECTION, batch);
    } catch (Exception e) {
      throw new IllegalStateException("indexing into legacy Solr failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void upsert(HistoryDoc doc) {
    try {
      solr.client().add(COLLECTION, toSolr(doc));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void delete(String id) {
    try {
      solr.client().deleteById(COLLECTION, id);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String originOf(String id) {
    try {
      SolrDocument d = solr.client().getById(COLLECTION, id);
      return d == null ? null : String.valueOf(d.getFieldValue("origin"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void commit() {
    try {
      solr.client().commit(COLLECTION);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public io.backfillfleet.store.StoreConfig storeConfig(String collection) {
    return io.backfillfleet.store.StoreConfig.solrCloud(solr.zkHost() + "/solr", collection);
  }

  private final List<org.apache.solr.embedded.JettySolrRunner> stopped = new ArrayList<>();

  @Override
  public void stopNodes() {
    try {
      for (org.apache.solr.embedded.JettySolrRunner j : List.copyOf(solr.cluster().getJettySolrRunners())) {
        stopped.add(solr.cluster().stopJettySolrRunner(j));
      }
    } catch (Exception e) {
      throw new IllegalStateException("stopping Solr nodes: " + e.getMessage(), e);
    }
  }

  @Override
  public void startNodes() {
    try {
      for (org.apache.solr.embedded.JettySolrRunner j : stopped) solr.cluster().startJettySolrRunner(j, true);
      stopped.clear();
      solr.cluster().waitForActiveCollection(COLLECTION, 120, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("starting Solr nodes again: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      solr.close();
    } catch (Exception e) {
      System.err.println("demo: stopping Solr: " + e.getMessage());
    }
  }
}

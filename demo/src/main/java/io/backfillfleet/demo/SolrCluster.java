package io.backfillfleet.demo;

import io.backfillfleet.testkit.SolrTestCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.ObjIntConsumer;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;

/**
 * One collection of a real SolrCloud cluster: a cluster of its own (the demo, the fault suite), or a collection on
 * a cluster shared by several runs (the migration matrix: Solr 9 in this JVM, Solr 8 in a child JVM).
 */
final class SolrCluster implements Cluster {
  private final SolrTestCluster owned; // null on a shared cluster; only an owned cluster can be stopped and started
  private final CloudSolrClient client;
  private final String zkHost; // with the /solr chroot
  private final String collection;
  private final ObjIntConsumer<String> creator;

  SolrCluster(Path dir, int nodes) {
    this.owned = SolrTestCluster.start(dir, nodes);
    this.client = owned.client();
    this.zkHost = owned.zkHost() + "/solr";
    this.collection = "events";
    this.creator = owned::createCollection;
  }

  private SolrCluster(String zkHost, String collection, ObjIntConsumer<String> creator) {
    this.owned = null;
    int chroot = zkHost.indexOf('/');
    this.client = new CloudSolrClient.Builder(List.of(zkHost.substring(0, chroot)), Optional.of(zkHost.substring(chroot)))
        .build();
    this.zkHost = zkHost;
    this.collection = collection;
    this.creator = creator;
  }

  /** {@code collection} on a cluster others share ({@code zkHost} with its chroot); {@code creator} makes collections. */
  static SolrCluster shared(String zkHost, String collection, ObjIntConsumer<String> creator) {
    return new SolrCluster(zkHost, collection, creator);
  }

  @Override
  public String defaultCollection() {
    return collection;
  }

  @Override
  public String storeYaml(String collection) {
    return "{engine: solr, zkHost: \"" + zkHost + "\", collection: " + collection + "}";
  }

  @Override
  public void dropCollection(String name) {
    try {
      org.apache.solr.client.solrj.request.CollectionAdminRequest.deleteCollection(name).process(client);
    } catch (Exception e) {
      throw new IllegalStateException("cannot delete collection " + name + ": " + e, e);
    }
  }

  @Override
  public void createCollection(String name) {
    creator.accept(name, 2);
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
      client.add(collection, batch);
    } catch (Exception e) {
      throw new IllegalStateException("indexing into legacy Solr failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void upsert(HistoryDoc doc) {
    try {
      client.add(collection, toSolr(doc));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void delete(String id) {
    try {
      client.deleteById(collection, id);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String originOf(String id) {
    try {
      SolrDocument d = client.getById(collection, id);
      return d == null ? null : String.valueOf(d.getFieldValue("origin"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sets the collection's soft commit (Config API), as production sources usually have one: then the workers'
   * re-check can count pages by search instead of looking every id up in real time.
   */
  void softCommitEvery(java.time.Duration every) {
    try {
      org.apache.solr.client.solrj.request.GenericSolrRequest r = new org.apache.solr.client.solrj.request.GenericSolrRequest(
          org.apache.solr.client.solrj.SolrRequest.METHOD.POST, "/config",
          new org.apache.solr.common.params.ModifiableSolrParams());
      r.setContentWriter(new org.apache.solr.client.solrj.request.RequestWriter.StringPayloadContentWriter(
          "{\"set-property\":{\"updateHandler.autoSoftCommit.maxTime\":" + every.toMillis() + "}}", "application/json"));
      client.request(r, collection);
    } catch (Exception e) {
      throw new IllegalStateException("cannot set the soft commit of " + collection + ": " + e, e);
    }
  }

  @Override
  public void searchableWithin(java.time.Duration every) {
    softCommitEvery(every);
  }

  @Override
  public void commit() {
    try {
      client.commit(collection);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public io.backfillfleet.store.StoreConfig storeConfig(String collection) {
    return io.backfillfleet.store.StoreConfig.solrCloud(zkHost, collection);
  }

  private final List<org.apache.solr.embedded.JettySolrRunner> stopped = new ArrayList<>();

  @Override
  public void stopNodes() {
    try {
      for (org.apache.solr.embedded.JettySolrRunner j : List.copyOf(ownCluster().getJettySolrRunners())) {
        stopped.add(ownCluster().stopJettySolrRunner(j));
      }
    } catch (Exception e) {
      throw new IllegalStateException("stopping Solr nodes: " + e.getMessage(), e);
    }
  }

  @Override
  public void startNodes() {
    try {
      for (org.apache.solr.embedded.JettySolrRunner j : stopped) ownCluster().startJettySolrRunner(j, true);
      stopped.clear();
      ownCluster().waitForActiveCollection(collection, 120, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("starting Solr nodes again: " + e.getMessage(), e);
    }
  }

  private org.apache.solr.cloud.MiniSolrCloudCluster ownCluster() {
    if (owned == null) throw new IllegalStateException("a shared Solr cluster is not stopped by one of its users");
    return owned.cluster();
  }

  @Override
  public void close() {
    try {
      if (owned != null) owned.close();
      else client.close();
    } catch (Exception e) {
      System.err.println("demo: stopping Solr: " + e.getMessage());
    }
  }
}

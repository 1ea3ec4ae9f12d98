package io.backfillfleet.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.cloud.MiniSolrCloudCluster;

/**
 * A real SolrCloud 9 cluster (Jetty nodes and their own embedded ZooKeeper), started without
 * LuceneTestCase. Two are shared per test JVM: {@link #legacy()} and {@link #target()}; give each test its
 * own collection.
 */
public final class SolrTestCluster implements AutoCloseable {
  public static final String CONFIGSET = "backfill";
  /** Every field single-valued with docValues: a source with it is read through /export. */
  public static final String DOCVALUES_CONFIGSET = "backfill-docvalues";
  private static SolrTestCluster legacy;
  private static SolrTestCluster target;

  private final MiniSolrCloudCluster cluster; // null for a cluster in a container (profile 'containers')
  private final CloudSolrClient client;
  private final String zkHost;

  private SolrTestCluster(MiniSolrCloudCluster cluster) {
    this.cluster = cluster;
    this.zkHost = cluster.getZkServer().getZkHost();
    this.client = new CloudSolrClient.Builder(List.of(zkHost), Optional.of("/solr")).build();
  }

  private SolrTestCluster(CloudSolrClient client, String zkHost) {
    this.cluster = null;
    this.client = client;
    this.zkHost = zkHost;
  }

  /** A cluster someone else runs: {@code zkHost} is where its {@code /solr} chroot lives. */
  static SolrTestCluster external(CloudSolrClient client, String zkHost) {
    return new SolrTestCluster(client, zkHost);
  }

  /** The shared "legacy" cluster (one node). */
  public static synchronized SolrTestCluster legacy() {
    if (legacy == null) legacy = ContainerServers.enabled() ? ContainerServers.solr("legacy") : startShared("legacy", 1);
    return legacy;
  }

  /** The shared "new" cluster (two nodes embedded, one in a container). */
  public static synchronized SolrTestCluster target() {
    if (target == null) target = ContainerServers.enabled() ? ContainerServers.solr("target") : startShared("target", 2);
    return target;
  }

  /** Uploads the test configset into an external cluster (an embedded one gets it when it starts). */
  void uploadConfigSet() {
    try {
      for (String name : List.of(CONFIGSET, DOCVALUES_CONFIGSET)) {
        org.apache.solr.common.cloud.ZkStateReader.from(client).getZkClient()
            .uploadToZK(configSet(name), "/configs/" + name, null);
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot upload configset " + CONFIGSET + " to " + zkHost + ": " + e, e);
    }
  }

  /** A new cluster of {@code nodes} nodes under {@code baseDir}; the caller closes it. */
  public static SolrTestCluster start(Path baseDir, int nodes) {
    try {
      return new SolrTestCluster(new MiniSolrCloudCluster.Builder(nodes, baseDir)
          .addConfig(CONFIGSET, configSet())
          .addConfig(DOCVALUES_CONFIGSET, configSet(DOCVALUES_CONFIGSET))
          .withTraceIdGenerationDisabled() // avoids LuceneTestCase.rarely(), which needs a RandomizedContext
          .build());
    } catch (Exception e) {
      throw new IllegalStateException("cannot start a Solr test cluster in " + baseDir + ": " + e, e);
    }
  }

  /**
   * A one-node cluster with basic authentication: user {@code solr}, password {@code SolrRocks}, required for reads
   * (collection administration stays open so tests can set up).
   */
  public static SolrTestCluster startSecured(Path baseDir) {
    String security = """
        {"authentication":{"class":"solr.BasicAuthPlugin","blockUnknown":false,
          "credentials":{"solr":"IV0EHq1OnNrj6gvRCwvFwTrZ1+z1oBbnQdiVC3otuq0= Ndd7LKvVBAaZIF0QAVi1ekCfAJXr1GGfLtRUXhgrF8c="}},
         "authorization":{"class":"solr.RuleBasedAuthorizationPlugin","user-role":{"solr":"admin"},
          "permissions":[{"name":"read","role":"admin"}]}}""";
    try {
      return new SolrTestCluster(new MiniSolrCloudCluster.Builder(1, baseDir).addConfig(CONFIGSET, configSet())
          .withSecurityJson(security).withTraceIdGenerationDisabled().build());
    } catch (Exception e) {
      throw new IllegalStateException("cannot start a secured Solr test cluster: " + e, e);
    }
  }

  private static SolrTestCluster startShared(String name, int nodes) {
    try {
      Path base = Files.createTempDirectory("solr-" + name + "-");
      SolrTestCluster c = start(base, nodes);
      ServerRegistry.closeAtExit("Solr cluster " + name, c);
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The test configset (id, tenant, ts as pdate with docValues, text and typed fields, the 'tolerant' chain),
   * copied out of the classpath because it may sit inside the testkit jar.
   */
  public static Path configSet() {
    return configSet(CONFIGSET);
  }

  /** A configset of the testkit by name, copied out of the classpath. */
  public static synchronized Path configSet(String name) {
    try {
      Path dir = Files.createTempDirectory("configset-" + name + "-");
      for (String file : List.of("schema.xml", "solrconfig.xml")) {
        try (InputStream in = SolrTestCluster.class.getResourceAsStream("/configsets/" + name + "/conf/" + file)) {
          if (in == null) throw new IllegalStateException("configset file " + file + " is missing from the testkit");
          Files.copy(in, dir.resolve(file));
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates a collection with the test configset and waits until every replica is active. */
  public void createCollection(String name, int shards) {
    createCollection(name, shards, CONFIGSET);
  }

  /** The same with another configset of the testkit ({@link #DOCVALUES_CONFIGSET}). */
  public void createCollection(String name, int shards, String configSet) {
    try {
      CollectionAdminRequest.createCollection(name, configSet, shards, 1).process(client);
      if (cluster != null) {
        cluster.waitForActiveCollection(name, shards, shards);
      } else {
        org.apache.solr.common.cloud.ZkStateReader.from(client).waitForState(name, 60, java.util.concurrent.TimeUnit.SECONDS,
            (live, c) -> c != null && c.getActiveSlices().size() == shards
                && c.getReplicas().stream().allMatch(r -> r.isActive(live)));
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot create collection " + name + ": " + e, e);
    }
  }

  /**
   * Sets a collection's soft commit interval, as the source's operators would (the testkit's configsets have none:
   * changes are searchable only after an explicit commit, so nothing bounds when a search sees them).
   */
  public void softCommitEvery(String collection, java.time.Duration every) {
    var r = new org.apache.solr.client.solrj.request.GenericSolrRequest(org.apache.solr.client.solrj.SolrRequest.METHOD.POST,
        "/config", new org.apache.solr.common.params.ModifiableSolrParams());
    r.setContentWriter(new org.apache.solr.client.solrj.request.RequestWriter.StringPayloadContentWriter(
        "{\"set-property\":{\"updateHandler.autoSoftCommit.maxTime\":" + every.toMillis() + "}}", "application/json"));
    try {
      client.request(r, collection);
    } catch (Exception e) {
      throw new IllegalStateException("cannot set the soft commit of " + collection + ": " + e, e);
    }
  }

  /** ZooKeeper address of this cluster, without chroot; Solr lives under {@code /solr}. */
  public String zkHost() {
    return zkHost;
  }

  /** A client for test setup and assertions (not closed by the caller). */
  public CloudSolrClient client() {
    return client;
  }

  /** The embedded cluster, to stop and start its nodes; not available for a cluster in a container. */
  public MiniSolrCloudCluster cluster() {
    if (cluster == null) throw new IllegalStateException("a Solr cluster in a container has no embedded nodes");
    return cluster;
  }

  @Override
  public void close() throws Exception {
    client.close();
    if (cluster != null) cluster.shutdown();
  }
}

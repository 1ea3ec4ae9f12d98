package io.backfillfleet.testkit;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.elasticsearch.ElasticsearchContainer;

/**
 * The servers of the Maven profile {@code containers} ({@code -Dbackfill.servers=containers}): the same shared
 * ZooKeeper, Solr 9 clusters and Elasticsearch nodes as the embedded default, run by Testcontainers. The test code
 * is the same; only the testkit's factories ask here instead of starting servers in or beside the test JVM.
 * Without a Docker engine every test that asks for a server is aborted (reported as skipped) with a message.
 */
final class ContainerServers {
  private static Network network;
  private static GenericContainer<?> zookeeper;
  private static Boolean dockerAvailable;

  private ContainerServers() {}

  /** Whether this JVM runs its servers in containers (the profile sets the property). */
  static boolean enabled() {
    return "containers".equals(System.getProperty("backfill.servers", "embedded"));
  }

  private static synchronized void requireDocker() {
    if (dockerAvailable == null) {
      dockerAvailable = DockerClientFactory.instance().isDockerAvailable();
      if (!dockerAvailable) {
        System.err.println("testkit: the 'containers' profile needs a Docker engine and none was found (DOCKER_HOST,"
            + " /var/run/docker.sock); every test that needs a server is SKIPPED. Run without -Pcontainers to use the"
            + " embedded servers.");
      }
    }
    if (!dockerAvailable) {
      throw new TestAbortedException("no Docker engine for the 'containers' profile: skipped (run without"
          + " -Pcontainers for the embedded servers)");
    }
  }

  private static synchronized Network network() {
    if (network == null) network = Network.newNetwork();
    return network;
  }

  private static <T extends GenericContainer<?>> T started(String what, T container) {
    container.start();
    ServerRegistry.closeAtExit(what, container::stop);
    return container;
  }

  /** The shared ZooKeeper (image zookeeper:3.9.4): host:port as seen from this JVM. */
  static synchronized String zookeeper() {
    requireDocker();
    if (zookeeper == null) {
      zookeeper = started("ZooKeeper container", new GenericContainer<>("zookeeper:" + System.getProperty(
          "backfill.zookeeper.version", "3.9.4")).withNetwork(network()).withNetworkAliases("zk")
          .withExposedPorts(2181).waitingFor(Wait.forListeningPort()));
    }
    return zookeeper.getHost() + ":" + zookeeper.getMappedPort(2181);
  }

  /**
   * A one-node SolrCloud 9 cluster (image solr:9.10.1) on the shared ZooKeeper under chroot {@code /NAME/solr}.
   * Solr publishes its node address in ZooKeeper and SolrJ connects to that address, so the node listens on the
   * same free port inside and outside its container and calls itself localhost.
   */
  static SolrTestCluster solr(String name) {
    String zk = zookeeper();
    int port = FreePorts.any();
    GenericContainer<?> solr = new GenericContainer<>("solr:" + System.getProperty("backfill.solr.version", "9.10.1"))
        .withNetwork(network())
        .withEnv("ZK_HOST", "zk:2181/" + name + "/solr")
        .withEnv("SOLR_HOST", "localhost")
        .withEnv("SOLR_PORT", String.valueOf(port))
        .withEnv("SOLR_OPTS", "-DcreateZkChroot=true")
        .withExposedPorts(port)
        .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
            new PortBinding(Ports.Binding.bindPort(port), new ExposedPort(port))))
        .waitingFor(Wait.forHttp("/solr/admin/info/system").forPort(port).withStartupTimeout(Duration.ofMinutes(3)));
    started("Solr container " + name, solr);
    CloudSolrClient client = new CloudSolrClient.Builder(List.of(zk), Optional.of("/" + name + "/solr")).build();
    SolrTestCluster cluster = SolrTestCluster.external(client, zk + "/" + name);
    cluster.uploadConfigSet();
    return cluster;
  }

  /** An Elasticsearch node of {@code version} (the official image), security off as in the embedded default. */
  static ElasticsearchNode elasticsearch(String version) {
    requireDocker();
    ElasticsearchContainer es = new ElasticsearchContainer("docker.elastic.co/elasticsearch/elasticsearch:" + version)
        .withEnv("xpack.security.enabled", "false")
        .withEnv("ES_JAVA_OPTS", "-Xms512m -Xmx512m")
        .withEnv("cluster.routing.allocation.disk.threshold_enabled", "false");
    started("Elasticsearch container " + version, es);
    return ElasticsearchNode.external(version, es.getHttpHostAddress());
  }
}

package io.backfillfleet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooKeeperServersIT {

  private static CuratorFramework connect(String connect) {
    CuratorFramework c = CuratorFrameworkFactory.newClient(connect, 10_000, 5_000, new ExponentialBackoffRetry(200, 10, 2000));
    c.start();
    return c;
  }

  @Test
  void sharedServerWritesAndReadsBack() throws Exception {
    try (CuratorFramework c = connect(ZooKeeperServers.shared().getConnectString())) {
      c.create().creatingParentsIfNeeded().forPath("/smoke/zk", "hello".getBytes(StandardCharsets.UTF_8));
      assertThat(new String(c.getData().forPath("/smoke/zk"), StandardCharsets.UTF_8)).isEqualTo("hello");
    }
    assertThat(ZooKeeperServers.shared()).isSameAs(ZooKeeperServers.shared());
  }

  @Test
  void ensembleSurvivesTheLossOfOneMember() throws Exception {
    try (TestingCluster ensemble = ZooKeeperServers.ensemble(3);
         CuratorFramework c = connect(ensemble.getConnectString())) {
      c.create().forPath("/smoke", "1".getBytes(StandardCharsets.UTF_8));
      InstanceSpec victim = ensemble.getInstances().iterator().next();
      assertThat(ensemble.killServer(victim)).isTrue();
      c.setData().forPath("/smoke", "2".getBytes(StandardCharsets.UTF_8));
      ZooKeeperServers.restart(ensemble, victim);
      assertThat(new String(c.getData().forPath("/smoke"), StandardCharsets.UTF_8)).isEqualTo("2");
    }
  }

  @Test
  void embeddedServerForTheDemo(@TempDir Path dir) throws Exception {
    try (ZooKeeperServerEmbedded zk = ZooKeeperServers.embedded(dir, 0);
         CuratorFramework c = connect(zk.getConnectionString())) {
      c.create().forPath("/demo", "x".getBytes(StandardCharsets.UTF_8));
      assertThat(c.checkExists().forPath("/demo")).isNotNull();
    }
  }
}

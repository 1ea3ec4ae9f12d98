package io.backfillfleet.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * Real ZooKeeper 3.9 servers: one shared {@link TestingServer} per test JVM (give each test its own root
 * path), ensembles for quorum tests, and {@link ZooKeeperServerEmbedded} for the demo.
 */
public final class ZooKeeperServers {
  private static TestingServer shared;

  private ZooKeeperServers() {}

  /** The JVM's shared standalone server (started on first use, closed at JVM exit). */
  public static synchronized TestingServer shared() {
    if (shared == null) {
      try {
        shared = new TestingServer(true);
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the test ZooKeeper server: " + e, e);
      }
      ServerRegistry.closeAtExit("ZooKeeper " + shared.getConnectString(), shared);
    }
    return shared;
  }

  /** Where the shared ZooKeeper of this JVM serves: the embedded server, or a container (profile 'containers'). */
  public static String sharedConnectString() {
    return ContainerServers.enabled() ? ContainerServers.zookeeper() : shared().getConnectString();
  }

  /**
   * A new started ensemble of {@code size} members; the caller closes it. Kill members with {@code killServer}
   * and bring them back with {@link #restart}. A ZooKeeper server that hits a fatal error calls System.exit, which
   * would take the whole test JVM with it: here it only logs.
   */
  public static TestingCluster ensemble(int size) {
    org.apache.zookeeper.util.ServiceUtils.setSystemExitProcedure(org.apache.zookeeper.util.ServiceUtils.LOG_ONLY);
    // ports below the kernel's ephemeral range: while a member is down, a client socket of this machine could
    // otherwise be given its port as a local port, and the member could not come back (CI saw "Address already in
    // use" on an election port, and ZooKeeper's System.exit took the test JVM)
    java.util.List<org.apache.curator.test.InstanceSpec> specs = new java.util.ArrayList<>();
    for (int id = 1; id <= size; id++) {
      specs.add(new org.apache.curator.test.InstanceSpec(null, portOutsideEphemeralRange(),
          portOutsideEphemeralRange(), portOutsideEphemeralRange(), true, id));
    }
    TestingCluster cluster = new TestingCluster(specs);
    try {
      cluster.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start a ZooKeeper ensemble of " + size + ": " + e, e);
    }
    return cluster;
  }

  /**
   * Restarts a killed ensemble member and waits until it serves clients again. Its ports may still be held for a
   * moment by the member that was killed, so a restart that does not come up is retried.
   */
  public static void restart(TestingCluster ensemble, org.apache.curator.test.InstanceSpec member) {
    // a fatal error of the restarted member must not end the test JVM, whatever another server set meanwhile
    org.apache.zookeeper.util.ServiceUtils.setSystemExitProcedure(org.apache.zookeeper.util.ServiceUtils.LOG_ONLY);
    for (int attempt = 0; attempt < 10; attempt++) {
      try {
        ensemble.restartServer(member);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
          if (servesClients(member.getPort())) return;
          Thread.sleep(200); // polling a TCP port; there is nothing to wait on
        }
        ensemble.killServer(member);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (Exception e) {
        // the member failed to start (its old ports still bound): try again
      }
    }
    throw new IllegalStateException("ZooKeeper member " + member.getConnectString() + " did not come back");
  }

  private static boolean servesClients(int port) {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.getOutputStream().write("srvr".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).contains("Mode:");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * ZooKeeper's own embedded server for the demo, on {@code port} (0 = a free one). Its admin server is off:
   * it wants Jetty 9 and Solr brings Jetty 10.
   */
  public static ZooKeeperServerEmbedded embedded(Path dataDir, int port) throws Exception {
    java.nio.file.Files.createDirectories(dataDir);
    Properties cfg = new Properties();
    cfg.setProperty("clientPort", String.valueOf(port == 0 ? FreePorts.any() : port));
    cfg.setProperty("clientPortAddress", "127.0.0.1");
    cfg.setProperty("tickTime", "500");
    cfg.setProperty("admin.enableServer", "false");
    cfg.setProperty("4lw.commands.whitelist", "mntr,srvr,ruok"); // benchmarks count ZooKeeper operations with mntr
    ZooKeeperServerEmbedded zk = ZooKeeperServerEmbedded.builder().baseDir(dataDir).configuration(cfg)
        .exitHandler(ExitHandler.LOG_ONLY).build();
    zk.start(30_000);
    return zk;
  }

  /** A counter from ZooKeeper's 'mntr' command, e.g. zk_packets_received; -1 if the server does not say. */
  public static long mntr(String hostPort, String key) throws IOException {
    String[] hp = hostPort.split(":");
    try (java.net.Socket s = new java.net.Socket(hp[0], Integer.parseInt(hp[1]))) {
      s.getOutputStream().write("mntr".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      String out = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
      for (String line : out.split("\n")) {
        String[] kv = line.split("\t");
        if (kv.length == 2 && kv[0].equals(key)) return Long.parseLong(kv[1].trim());
      }
      return -1;
    }
  }

  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A free port in 15000-32767, below Linux's default ephemeral range (32768-60999); never the same twice here. */
  static int portOutsideEphemeralRange() {
    java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 15_000 + rnd.nextInt(32_768 - 15_000);
      if (!HANDED_OUT.add(port)) continue;
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException inUse) {
        // taken: try another
      }
    }
    return FreePorts.any();
  }
}

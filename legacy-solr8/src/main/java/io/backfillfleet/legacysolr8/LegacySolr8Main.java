package io.backfillfleet.legacysolr8;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Collectors;
import org.apache.solr.client.solrj.embedded.JettyConfig;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.cloud.MiniSolrCloudCluster;

/**
 * A legacy Solr 8.11 SolrCloud cluster (embedded ZooKeeper and N Jetty nodes) in a child JVM, driven over stdin.
 *
 * <pre>java -cp target/classes:$(cat target/cp.txt) io.backfillfleet.legacysolr8.LegacySolr8Main BASEDIR NODES</pre>
 *
 * Prints one line {@code READY zkHost=HOST:PORT/solr urls=URL,URL} on stdout, then answers stdin lines:
 * {@code create NAME SHARDS [CONFIGSET]} (default configset "backfill", one replica per shard) with {@code CREATED NAME} or
 * {@code FAILED NAME reason}; {@code stop} or the end of stdin (the parent died) shuts the cluster down.
 * Collections are created here because Solr 8 needs {@code maxShardsPerNode}, which SolrJ 9 no longer sends.
 */
public final class LegacySolr8Main {
  private static volatile boolean down;

  public static void main(String[] args) throws Exception {
    Path base = Paths.get(args[0]);
    int nodes = Integer.parseInt(args[1]);
    Files.createDirectories(base);
    Path configsets = Paths.get(LegacySolr8Main.class.getResource("/configsets").toURI());
    MiniSolrCloudCluster cluster =
        new MiniSolrCloudCluster(nodes, base, JettyConfig.builder().setContext("/solr").build());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(cluster)));
    for (String name : new String[] {"backfill", "backfill-docvalues"}) {
      cluster.uploadConfigSet(configsets.resolve(name).resolve("conf"), name);
    }
    String urls = cluster.getJettySolrRunners().stream()
        .map(j -> j.getBaseUrl().toString()).collect(Collectors.joining(","));
    System.out.println("READY zkHost=" + cluster.getZkServer().getZkAddress() + " urls=" + urls + " solr="
        + org.apache.solr.core.SolrCore.class.getPackage().getImplementationVersion());
    System.out.flush();

    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null && !line.trim().equals("stop"); ) {
      String[] cmd = line.trim().split("\\s+");
      if ((cmd.length == 3 || cmd.length == 4) && cmd[0].equals("create")) {
        try {
          int shards = Integer.parseInt(cmd[2]);
          CollectionAdminRequest.createCollection(cmd[1], cmd.length == 4 ? cmd[3] : "backfill", shards, 1)
              .setMaxShardsPerNode(shards).process(cluster.getSolrClient());
          cluster.waitForActiveCollection(cmd[1], shards, shards);
          System.out.println("CREATED " + cmd[1]);
        } catch (Exception e) {
          System.out.println("FAILED " + cmd[1] + " " + String.valueOf(e).replace('\n', ' '));
        }
      } else {
        System.out.println("FAILED unknown command: " + line);
      }
      System.out.flush();
    }
    shutdown(cluster);
    Runtime.getRuntime().halt(0); // lingering non-daemon threads of Solr 8 would keep the JVM alive
  }

  private static synchronized void shutdown(MiniSolrCloudCluster cluster) {
    if (down) return;
    down = true;
    try {
      cluster.shutdown();
    } catch (Exception e) {
      e.printStackTrace();
    }
  }
}

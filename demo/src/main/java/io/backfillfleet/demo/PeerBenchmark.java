package io.backfillfleet.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.Stores;
import io.backfillfleet.testkit.ElasticsearchNode;
import io.backfillfleet.testkit.LegacySolr8Cluster;
import io.backfillfleet.testkit.SolrTestCluster;
import io.backfillfleet.testkit.ZooKeeperServers;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * Not a test: the worker fleet against the tools a team would otherwise use, on one machine, in one run, on the same
 * data (20 skewed tenants), each copy into a fresh index or collection and counted afterwards. Prints docs/s per
 * tool, the ratio of our best fleet rate to it, and the pair's serial limit 1/(1/read + 1/write). Peers run with
 * their usual settings (1000 documents per batch, create-only where they can be); nobody is tuned down.
 */
public final class PeerBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final BackfillJar backfill;
  private final Path dir;
  private final String zk;
  private final int docs;
  private final List<String> table = new ArrayList<>();

  private PeerBenchmark(BackfillJar backfill, Path dir, String zk, int docs) {
    this.backfill = backfill;
    this.dir = dir;
    this.zk = zk;
    this.docs = docs;
  }

  public static void main(String[] args) throws Exception {
    int docs = 200_000;
    List<String> pairs = List.of("es7", "es8", "solr8");
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (args[i].equals("--docs")) docs = Integer.parseInt(args[i + 1]);
      else if (args[i].equals("--pairs")) pairs = List.of(args[i + 1].split(","));
      else throw new IllegalArgumentException("usage: scripts/bench-peers.sh [--docs N] [--pairs es7,es8,solr8]");
    }
    Path jar = Paths.get(System.getProperty("backfill.jar", "cli/target/backfill.jar")).toAbsolutePath();
    Path dir = Files.createTempDirectory("backfill-peers-");
    try (Closers closers = new Closers("peers")) {
      ZooKeeperServerEmbedded zk = ZooKeeperServers.embedded(dir.resolve("zk"), 0);
      closers.add(zk);
      PeerBenchmark b = new PeerBenchmark(new BackfillJar(jar, dir), dir, zk.getConnectionString(), docs);
      b.table.add("| pair | tool | docs/s | ours (best fleet) / tool | serial limit of the pair |");
      b.table.add("|---|---|---|---|---|");
      if (pairs.contains("es7")) b.elasticsearch7(closers);
      if (pairs.contains("es8")) b.elasticsearch8(closers);
      if (pairs.contains("solr8")) b.solr8();
      System.out.println("\nPEERS " + docs + " documents, 20 tenants, " + Runtime.getRuntime().availableProcessors()
          + " cores, everything on this machine:");
      b.table.forEach(System.out::println);
    }
    System.exit(0);
  }

  /** One pair's rows: our fleet at 1, 2 and 4 workers, then each peer, each with the ratio of our best to it. */
  private final class Pair {
    final String name;
    final String slug; // for index and collection names
    final double serial;
    final List<String[]> rows = new ArrayList<>();
    double best;

    Pair(String name, Cluster legacy, Cluster fresh) {
      this.name = name;
      this.slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
      double[] rw = CopyBenchmark.readAndWriteRates(legacy, fresh, docs);
      this.serial = 1 / (1 / rw[0] + 1 / rw[1]);
      System.out.printf(Locale.ROOT, "%s: store read %.0f docs/s, create-only write %.0f docs/s, serial limit %.0f%n",
          name, rw[0], rw[1], serial);
    }

    void fleet(Cluster legacy, Cluster fresh) throws Exception {
      for (int workers : new int[] {1, 2, 4}) {
        String coll = slug + "-fleet" + workers;
        double r = CopyBenchmark.fleetRate(backfill, zk, legacy, fresh, coll, docs, workers, dir);
        requireCount(fresh, coll, docs);
        add("backfill-fleet, " + workers + " worker" + (workers > 1 ? "s" : ""), r);
        best = Math.max(best, r);
      }
    }

    /**
     * The rows the worker's defaults for this source engine come from ({@code WorkerSettings.forSource}): one
     * worker, each {page size, slices in flight}.
     */
    void tune(Cluster legacy, Cluster fresh, int[][] pageAndInFlight) throws Exception {
      for (int[] pk : pageAndInFlight) {
        String coll = slug + "-tune-p" + pk[0] + "-k" + pk[1];
        double r = CopyBenchmark.fleetRate(backfill, zk, legacy, fresh, coll, docs, 1, dir, "--page-size",
            String.valueOf(pk[0]), "--concurrency", String.valueOf(pk[1]));
        requireCount(fresh, coll, docs);
        System.out.printf(Locale.ROOT, "TUNE %s, 1 worker, page size %d, slices in flight %d: %.0f docs/s%n", name,
            pk[0], pk[1], r);
      }
    }

    void add(String tool, double rate) {
      System.out.printf(Locale.ROOT, "%s: %-40s %8.0f docs/s%n", name, tool, rate);
      rows.add(new String[] {tool, String.format(Locale.ROOT, "%.0f", rate), String.valueOf(rate)});
    }

    void print() {
      for (String[] r : rows) {
        double rate = Double.parseDouble(r[2]);
        table.add(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.0f |", name, r[0], r[1], best / rate, serial));
      }
    }

  }

  /** Every copy is counted afterwards: a tool that copied less than everything has no rate. */
  static void requireCount(Cluster fresh, String collection, int docs) {
    try (SearchStore s = Stores.open("target", fresh.storeConfig(collection))) {
      s.makeVisible();
      long n = s.tenants().stream().mapToLong(t -> t.docs()).sum();
      if (n != docs) throw new IllegalStateException(collection + " has " + n + " of " + docs + " documents");
    }
  }

  private void elasticsearch7(Closers closers) throws Exception {
    Path dist = Paths.get(System.getProperty("bench.es7.reindex.dist", "/tmp/backfill-fleet-es-dist/elasticsearch-7.17.29-reindex"));
    String version = System.getProperty("backfill.es7.version", "7.17.29");
    ElasticsearchNode src = node(dist, version, List.of(), closers);
    ElasticsearchNode dst = node(dist, version, List.of("reindex.remote.whitelist=127.0.0.1:*"), closers);
    Cluster legacy = seededSource(src);
    Cluster fresh = ElasticsearchCluster.shared(dst, "events");
    Pair p = new Pair("ES " + version, legacy, fresh);
    p.fleet(legacy, fresh);
    p.add("_reindex from remote (op_type=create)", reindex(dst, "reindex-remote", src.httpUrl(), fresh));
    p.add("local _reindex, same cluster (op_type=create)", reindex(src, "reindex-local", null, legacy));
    p.add("elasticdump (--bulkAction=create)", elasticdump(src, dst, version, fresh, "elasticdump"));
    p.print();
  }

  private void elasticsearch8(Closers closers) throws Exception {
    String version = System.getProperty("backfill.es8.version", "8.19.21");
    ElasticsearchNode src = node(ElasticsearchNode.distribution(version), version, List.of(), closers);
    ElasticsearchNode dst = node(ElasticsearchNode.distribution(version), version, List.of(), closers);
    Cluster legacy = seededSource(src);
    Cluster fresh = ElasticsearchCluster.shared(dst, "events");
    Pair p = new Pair("ES " + version, legacy, fresh);
    p.tune(legacy, fresh, new int[][] {{500, 2}, {1000, 2}, {2000, 2}, {1000, 1}, {1000, 4}, {2000, 4}, {1000, 8}, {2000, 8}});
    p.fleet(legacy, fresh);
    p.add("elasticdump (--bulkAction=create)", elasticdump(src, dst, version, fresh, "elasticdump"));
    p.print();
  }

  private void solr8() throws Exception {
    LegacySolr8Cluster solr8 = LegacySolr8Cluster.shared();
    SolrTestCluster solr9 = SolrTestCluster.target();
    // every field with docValues: our workers read through /export, as the streaming expression does
    Cluster legacy = SolrCluster.shared(solr8.zkHost(), "events",
        (name, shards) -> solr8.createCollection(name, shards, SolrTestCluster.DOCVALUES_CONFIGSET));
    Cluster fresh = SolrCluster.shared(solr9.zkHost() + "/solr", "events",
        (name, shards) -> solr9.createCollection(name, shards, SolrTestCluster.DOCVALUES_CONFIGSET));
    legacy.createCollection();
    legacy.seed(FaultSuite.history(docs));
    Pair p = new Pair("Solr " + solr8.version() + " -> 9.10.1", legacy, fresh);
    try (SearchStore s = Stores.open("source", legacy.storeConfig())) {
      System.out.println(p.name + ": read path " + s.readPath());
    }
    p.tune(legacy, fresh, new int[][] {{1000, 2}, {2000, 2}, {1000, 4}, {2000, 4}, {1000, 8}});
    p.fleet(legacy, fresh);
    p.add("streaming expression update(select(search /export)), create-only", streamingCopy(solr8, solr9, fresh));
    p.print();
  }

  private static ElasticsearchNode node(Path dist, String version, List<String> settings, Closers closers)
      throws Exception {
    ElasticsearchNode n = ElasticsearchNode.start(dist, version, Paths.get(System.getProperty("java.home")), "1g", settings);
    closers.add(n);
    return n;
  }

  private Cluster seededSource(ElasticsearchNode src) {
    Cluster legacy = ElasticsearchCluster.shared(src, "events");
    legacy.createCollection();
    legacy.seed(FaultSuite.history(docs));
    return legacy;
  }

  private double reindex(ElasticsearchNode on, String index, String remoteUrl, Cluster counted) throws Exception {
    Cluster target = ElasticsearchCluster.shared(on, index);
    target.createCollection();
    String remote = remoteUrl == null ? "" : "\"remote\":{\"host\":\"" + remoteUrl + "\"},";
    String body = "{\"source\":{" + remote + "\"index\":\"events\",\"size\":1000},\"dest\":{\"index\":\"" + index
        + "\",\"op_type\":\"create\"}}";
    long t0 = System.nanoTime();
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(on.httpUrl()
            + "/_reindex?refresh=true&wait_for_completion=true")).timeout(Duration.ofMinutes(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    double rate = CopyBenchmark.rate(docs, t0);
    JsonNode j = JSON.readTree(r.body());
    if (r.statusCode() != 200 || j.path("created").asLong() != docs) {
      throw new IllegalStateException("_reindex into " + index + " failed: HTTP " + r.statusCode() + " " + r.body());
    }
    return rate;
  }

  private double elasticdump(ElasticsearchNode src, ElasticsearchNode dst, String version, Cluster fresh, String index)
      throws Exception {
    Path tools = Paths.get(System.getProperty("bench.tools", "bench/peers/tools"));
    fresh.createCollection(index);
    ProcessBuilder pb = new ProcessBuilder("node", "-r", tools.resolve("es-root-shim.js").toString(),
        tools.resolve("node_modules/elasticdump/bin/elasticdump").toString(), "--input=" + src.httpUrl() + "/events",
        "--output=" + dst.httpUrl() + "/" + index, "--type=data", "--limit=1000", "--bulkAction=create")
        .redirectErrorStream(true).redirectOutput(dir.resolve("elasticdump-" + version + ".log").toFile());
    pb.environment().put("ELASTICDUMP_ES_VERSION", version); // only used where GET / is not served (see the shim)
    long t0 = System.nanoTime();
    int rc = pb.start().waitFor();
    double rate = CopyBenchmark.rate(docs, t0);
    if (rc != 0) throw new IllegalStateException("elasticdump exited " + rc + "; see " + dir);
    ElasticsearchCluster.shared(dst, index).commit();
    requireCount(fresh, index, docs);
    return rate;
  }

  /**
   * Solr's own create-only copy: Solr 9 runs update(select(search(legacy /export), ..., val(-1) as _version_)) into
   * a collection whose /update defaults skip version conflicts (SOLR's failOnVersionConflicts=false).
   */
  private double streamingCopy(LegacySolr8Cluster solr8, SolrTestCluster solr9, Cluster fresh) throws Exception {
    String coll = "streamed";
    Path conf = SolrTestCluster.configSet(SolrTestCluster.DOCVALUES_CONFIGSET);
    Path solrconfig = conf.resolve("solrconfig.xml");
    Files.writeString(solrconfig, Files.readString(solrconfig).replace("</config>",
        "<initParams path=\"/update/**\"><lst name=\"defaults\"><str name=\"failOnVersionConflicts\">false</str>"
            + "</lst></initParams>\n</config>"));
    org.apache.solr.common.cloud.ZkStateReader.from(solr9.client()).getZkClient().uploadToZK(conf, "/configs/skip-conflicts", null);
    solr9.createCollection(coll, 2, "skip-conflicts");
    String fields = "id,tenant,ts,origin,n,title";
    String expr = "commit(" + coll + ",update(" + coll + ",batchSize=1000,pruneVersionField=false,select(search(events,"
        + "zkHost=\"" + solr8.zkHost() + "\",qt=\"/export\",q=\"*:*\",fl=\"" + fields + "\",sort=\"id asc\"),"
        + fields + ",val(-1) as _version_)))";
    String node = solr9.cluster().getJettySolrRunner(0).getBaseUrl().toString();
    long t0 = System.nanoTime();
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(node + "/" + coll + "/stream"))
        .timeout(Duration.ofMinutes(30)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("expr=" + URLEncoder.encode(expr, StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    double rate = CopyBenchmark.rate(docs, t0);
    if (r.statusCode() != 200 || r.body().contains("EXCEPTION")) {
      throw new IllegalStateException("streaming copy failed: HTTP " + r.statusCode() + " " + r.body());
    }
    requireCount(fresh, coll, docs);
    return rate;
  }
}

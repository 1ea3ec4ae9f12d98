package io.backfillfleet.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Solr 8.11.4 SolrCloud cluster (the legacy major) in a child JVM with its own classpath: module
 * {@code legacy-solr8} (Solr 8 brings Jetty 9 and ZooKeeper 3.6, which cannot share a JVM with Solr 9). Tests talk
 * to it with SolrJ 9, as the worker does. The child stops when this JVM closes its stdin, also when this JVM dies.
 */
public final class LegacySolr8Cluster implements AutoCloseable {
  private static LegacySolr8Cluster shared;

  private final Process process;
  private final BufferedReader out;
  private final Writer in;
  private final String zkHost;
  private final String version;

  private LegacySolr8Cluster(Process process) throws IOException {
    this.process = process;
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("READY ")) { /* start-up noise */ }
    if (line == null) throw new IllegalStateException("the Solr 8 child JVM exited before it was ready");
    String zk = null;
    String v = null;
    for (String token : line.split(" ")) {
      if (token.startsWith("zkHost=")) zk = token.substring(7);
      if (token.startsWith("solr=")) v = token.substring(5);
    }
    this.zkHost = zk;
    this.version = v;
  }

  /** The shared legacy Solr 8 cluster of this JVM (one node). */
  public static synchronized LegacySolr8Cluster shared() {
    if (shared == null) {
      try {
        shared = start(Files.createTempDirectory("solr8-legacy-"), 1);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      ServerRegistry.closeAtExit("Solr 8 cluster", shared);
    }
    return shared;
  }

  /** Starts a cluster of {@code nodes} nodes under {@code baseDir}; its log is {@code baseDir/solr8.log}. */
  public static LegacySolr8Cluster start(Path baseDir, int nodes) {
    Path home = home();
    try {
      String cp = home.resolve("classes") + java.io.File.pathSeparator + Files.readString(home.resolve("cp.txt")).trim();
      Files.createDirectories(baseDir.resolve("tmp"));
      List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx512m", "-Djava.io.tmpdir=" + baseDir.resolve("tmp"), "-cp", cp,
          "io.backfillfleet.legacysolr8.LegacySolr8Main", baseDir.resolve("solr").toString(), String.valueOf(nodes)));
      // profiling a benchmark's clusters only (as ElasticsearchNode); never set by the tests
      String extra = System.getenv().getOrDefault("BENCH_CLUSTER_JVM_OPTS", "").strip();
      if (!extra.isEmpty()) cmd.addAll(1, List.of(extra.split("\\s+")));
      Process p = new ProcessBuilder(cmd)
          .redirectError(ProcessBuilder.Redirect.appendTo(baseDir.resolve("solr8.log").toFile())).start();
      return new LegacySolr8Cluster(p);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the legacy Solr 8 cluster (log: " + baseDir.resolve("solr8.log")
          + "): " + e, e);
    }
  }

  /** Where module legacy-solr8 was built: {@code backfill.solr8.home}, else found from the working directory up. */
  static Path home() {
    String configured = System.getProperty("backfill.solr8.home", "");
    if (!configured.isBlank()) return check(Paths.get(configured));
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("legacy-solr8/target");
      if (Files.isRegularFile(candidate.resolve("cp.txt"))) return candidate;
    }
    return check(Paths.get("legacy-solr8/target").toAbsolutePath());
  }

  private static Path check(Path target) {
    if (!Files.isRegularFile(target.resolve("cp.txt"))) {
      throw new IllegalStateException("the legacy Solr 8 launcher is not built: " + target.resolve("cp.txt")
          + " is missing; run 'mvn -B install -pl legacy-solr8' from the project root");
    }
    return target;
  }

  /** Creates a collection with the backfill configset, one replica per shard, and waits until it is active. */
  public void createCollection(String name, int shards) {
    createCollection(name, shards, SolrTestCluster.CONFIGSET);
  }

  /** The same with another configset of the testkit ({@link SolrTestCluster#DOCVALUES_CONFIGSET}). */
  public synchronized void createCollection(String name, int shards, String configSet) {
    try {
      in.write("create " + name + " " + shards + " " + configSet + "\n");
      in.flush();
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("CREATED " + name) && !line.startsWith("FAILED ")) { }
      if (line == null || line.startsWith("FAILED ")) {
        throw new IllegalStateException("Solr 8 could not create collection " + name + ": " + line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the Solr 8 child JVM is gone", e);
    }
  }

  /** ZooKeeper address with the {@code /solr} chroot, as a store's {@code zkHost}. */
  public String zkHost() {
    return zkHost;
  }

  /** The Solr version the child reports, e.g. 8.11.4. */
  public String version() {
    return version;
  }

  /** The child JVM's process id (benchmarks read its CPU time from /proc). */
  public long pid() {
    return process.pid();
  }

  @Override
  public void close() throws Exception {
    try {
      in.write("stop\n");
      in.close();
    } catch (IOException alreadyGone) {
      // the child stops on EOF anyway
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }
}

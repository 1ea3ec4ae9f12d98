package io.backfillfleet.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A real Elasticsearch node, or one of its fork OpenSearch (same REST API, same launcher shape), from Maven
 * Central's integ-test-zip (unpacked by the testkit build into {@code backfill.es.dist}), run as a child process on
 * 127.0.0.1 and an ephemeral port.
 *
 * <p>Elasticsearch refuses to run as root, so as root the node runs as {@code nobody} (setpriv); the
 * distribution and work directories live under /tmp where nobody can reach them. {@code --pdeathsig}
 * stops the node if the test JVM dies, and a shutdown hook stops it on a normal exit.
 */
public final class ElasticsearchNode implements AutoCloseable {
  private static final int NOBODY = 65534;
  private static ElasticsearchNode es7;
  private static ElasticsearchNode es8;
  private static ElasticsearchNode es9;
  private static boolean es9Tried;
  private static ElasticsearchNode es710;
  private static ElasticsearchNode os1;
  private static ElasticsearchNode os2;
  private static ElasticsearchNode os3;
  private static boolean os3Tried;

  /** What a distribution is called and how its launcher is configured. */
  public enum Product {
    ELASTICSEARCH("elasticsearch", "ES"),
    OPENSEARCH("opensearch", "OPENSEARCH");

    private final String name;
    private final String envPrefix;

    Product(String name, String envPrefix) {
      this.name = name;
      this.envPrefix = envPrefix;
    }

    /** The engine name a store config uses for it. */
    public String engine() {
      return name;
    }
  }

  /**
   * Settings only some distributions know: a node refuses unknown ones, and OpenSearch and the Apache-2.0
   * Elasticsearch 7.10 have no x-pack. Read from the distribution, not the product: 7.10 is Elasticsearch too.
   */
  private static List<String> xpackSettings(Path home) {
    return Files.isDirectory(home.resolve("modules/x-pack-security")) ? List.of("xpack.security.enabled=false")
        : List.of();
  }

  private final Product product;
  private final String version;
  private final Path workDir;
  private final String hostPort;
  private final ProcessBuilder launcher;
  private volatile Process process;

  private ElasticsearchNode(Product product, String version, Process process, Path workDir, String hostPort,
      ProcessBuilder launcher) {
    this.product = product;
    this.version = version;
    this.process = process;
    this.workDir = workDir;
    this.hostPort = hostPort;
    this.launcher = launcher;
  }

  /** A node someone else runs (a container of the 'containers' profile): no process, no work directory here. */
  static ElasticsearchNode external(String version, String hostPort) {
    return new ElasticsearchNode(Product.ELASTICSEARCH, version, null, null, hostPort, null);
  }

  private Process process() {
    if (process == null) throw new IllegalStateException("Elasticsearch " + version + " runs in a container, not here");
    return process;
  }

  /** Stops the node (an outage); {@link #startAgain()} brings it back with its data, on the same port. */
  public void stopProcess() {
    stop(process());
  }

  public void startAgain() throws IOException, InterruptedException {
    if (process().isAlive()) return;
    Path ports = workDir.resolve("logs/http.ports");
    Files.deleteIfExists(ports);
    List<String> cmd = new ArrayList<>(launcher.command());
    cmd.replaceAll(a -> a.equals("-Ehttp.port=0") ? "-Ehttp.port=" + hostPort.substring(hostPort.lastIndexOf(':') + 1) : a);
    launcher.command(cmd);
    process = spawn(launcher);
    awaitPortsFile(product, version, process, workDir);
  }

  /** The shared 7.17 node of this JVM: the legacy major most migrations start from. */
  public static synchronized ElasticsearchNode es7() {
    if (es7 == null) es7 = startShared(System.getProperty("backfill.es7.version", "7.17.29"), javaHome());
    return es7;
  }

  /** The shared 8.x node of this JVM. */
  public static synchronized ElasticsearchNode es8() {
    if (es8 == null) es8 = startShared(System.getProperty("backfill.es8.version", "8.19.21"), javaHome());
    return es8;
  }

  /** The shared 9.x node, where a JDK 21+ for it exists (Temurin 25 on these machines). */
  public static synchronized Optional<ElasticsearchNode> es9() {
    if (!es9Tried) {
      es9Tried = true;
      Path jdk = Paths.get(System.getProperty("backfill.es9.java.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
      if (ContainerServers.enabled() || Files.isExecutable(jdk.resolve("bin/java"))) {
        es9 = startShared(System.getProperty("backfill.es9.version", "9.5.3"), jdk);
      }
    }
    return Optional.ofNullable(es9);
  }

  /** The shared 7.10 node: the last Apache-2.0 Elasticsearch, where many moves to OpenSearch start. */
  public static synchronized ElasticsearchNode es710() {
    if (es710 == null) es710 = startShared(System.getProperty("backfill.es710.version", "7.10.2"), javaHome());
    return es710;
  }

  /** The shared OpenSearch 1.3 node (no point-in-time API: read with search_after alone). */
  public static synchronized ElasticsearchNode opensearch1() {
    if (os1 == null) os1 = startShared(Product.OPENSEARCH, System.getProperty("backfill.os1.version", "1.3.20"), javaHome());
    return os1;
  }

  /** The shared OpenSearch 2.x node. */
  public static synchronized ElasticsearchNode opensearch2() {
    if (os2 == null) os2 = startShared(Product.OPENSEARCH, System.getProperty("backfill.os2.version", "2.19.6"), javaHome());
    return os2;
  }

  /** The shared OpenSearch 3.x node, where a JDK 21+ for it exists (the one Elasticsearch 9 runs on). */
  public static synchronized Optional<ElasticsearchNode> opensearch3() {
    if (!os3Tried) {
      os3Tried = true;
      Path jdk = Paths.get(System.getProperty("backfill.es9.java.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
      if (Files.isExecutable(jdk.resolve("bin/java"))) {
        os3 = startShared(Product.OPENSEARCH, System.getProperty("backfill.os3.version", "3.3.2"), jdk);
      }
    }
    return Optional.ofNullable(os3);
  }

  private static ElasticsearchNode startShared(String version, Path javaHome) {
    if (ContainerServers.enabled()) return ContainerServers.elasticsearch(version);
    return startShared(Product.ELASTICSEARCH, version, javaHome);
  }

  /** OpenSearch runs from its integ-test-zip here even under the 'containers' profile: it needs no Docker. */
  private static ElasticsearchNode startShared(Product product, String version, Path javaHome) {
    try {
      ElasticsearchNode n = start(distribution(product, version), product, version, javaHome, "512m", List.of());
      ServerRegistry.closeAtExit(n.toString(), n);
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path javaHome() {
    return Paths.get(System.getProperty("java.home"));
  }

  public static Path distribution(String version) {
    return distribution(Product.ELASTICSEARCH, version);
  }

  public static Path distribution(Product product, String version) {
    return Paths.get(System.getProperty("backfill.es.dist", "/tmp/backfill-fleet-es-dist"), product.name + "-" + version);
  }

  /** Starts a node and waits until its HTTP port is bound. */
  public static ElasticsearchNode start(String version, Path javaHome, String heap) throws IOException, InterruptedException {
    return start(distribution(version), version, javaHome, heap, List.of());
  }

  /**
   * Starts a node of another distribution directory (e.g. 7.17 with the reindex module added, for the peer
   * benchmark) with extra {@code -E} settings.
   */
  public static ElasticsearchNode start(Path esHome, String version, Path javaHome, String heap, List<String> settings)
      throws IOException, InterruptedException {
    return start(esHome, Product.ELASTICSEARCH, version, javaHome, heap, settings);
  }

  public static ElasticsearchNode start(Path esHome, Product product, String version, Path javaHome, String heap,
      List<String> settings) throws IOException, InterruptedException {
    if (!Files.isExecutable(esHome.resolve("bin/" + product.name))) {
      throw new IllegalStateException("no " + product.name + " " + version + " distribution at " + esHome
          + "; build the testkit module first (mvn -pl testkit install), which unpacks it");
    }
    Path base = Paths.get(System.getProperty("backfill.es.work", "/tmp/backfill-fleet-es-work"));
    Files.createDirectories(base);
    Path work = Files.createTempDirectory(base, "node-" + version + "-");
    copyTree(esHome.resolve("config"), work.resolve("config")); // the keystore is written here, not into the distribution
    for (String d : List.of("data", "logs", "tmp")) Files.createDirectories(work.resolve(d));
    // 7.x writes its GC log relative to the working directory it picks (the distribution, root's): keep it in work/
    Path jvmOptions = work.resolve("config/jvm.options");
    if (Files.exists(jvmOptions)) {
      Files.writeString(jvmOptions, Files.readString(jvmOptions).replace("file=logs/gc.log",
          "file=" + work.resolve("logs/gc.log")));
    }

    List<String> cmd = new ArrayList<>(List.of("setpriv", "--pdeathsig=TERM"));
    if ("root".equals(System.getProperty("user.name"))) {
      requireTraversable(esHome);
      requireTraversable(base);
      chownTree(work, NOBODY);
      cmd.addAll(List.of("--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
    }
    cmd.add(esHome.resolve("bin/" + product.name).toString());
    List<String> all = new ArrayList<>(List.of("cluster.name=backfill-test", "node.name=node-" + version,
        "discovery.type=single-node", "network.host=127.0.0.1", "http.port=0", "transport.port=0",
        "node.portsfile=true", "path.data=" + work.resolve("data"), "path.logs=" + work.resolve("logs"),
        "cluster.routing.allocation.disk.threshold_enabled=false", "action.destructive_requires_name=false"));
    all.addAll(xpackSettings(esHome));
    all.addAll(settings);
    for (String s : all) cmd.add("-E" + s);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("console.log").toFile()));
    Map<String, String> env = pb.environment();
    env.remove("JAVA_TOOL_OPTIONS");
    env.remove("_JAVA_OPTIONS");
    env.put("JAVA_HOME", javaHome.toString()); // Elasticsearch before 7.12 knows no ES_JAVA_HOME
    String prefix = product.envPrefix;
    env.put(prefix + "_JAVA_HOME", javaHome.toString());
    env.put(prefix + "_PATH_CONF", work.resolve("config").toString());
    env.put(prefix + "_TMPDIR", work.resolve("tmp").toString());
    // profiling a benchmark's clusters only, e.g. BENCH_CLUSTER_JVM_OPTS=-XX:StartFlightRecording=filename=/tmp/jfr/
    // (a directory the node's user may write); never set by the tests
    String extra = System.getenv().getOrDefault("BENCH_CLUSTER_JVM_OPTS", "");
    env.put(prefix + "_JAVA_OPTS", ("-Xms" + heap + " -Xmx" + heap + " -XX:-AlwaysPreTouch " + extra).strip());

    Process p = spawn(pb);
    String hostPort = awaitPortsFile(product, version, p, work);
    return new ElasticsearchNode(product, version, p, work, hostPort, pb);
  }

  private static String awaitPortsFile(Product product, String version, Process p, Path work)
      throws IOException, InterruptedException {
    Path portsFile = work.resolve("logs/http.ports");
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (!Files.exists(portsFile)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        stop(p);
        Path log = work.resolve("console.log");
        String text = Files.exists(log) ? Files.readString(log) : "";
        throw new IllegalStateException(product.name + " " + version + " did not start (" + (p.isAlive() ? "timeout"
            : "exit " + p.exitValue()) + "):\n" + text.substring(Math.max(0, text.length() - 4000)));
      }
      Thread.sleep(100); // polling a file the server writes; there is no event to wait on
    }
    return Files.readAllLines(portsFile).get(0).trim();
  }

  /** PR_SET_PDEATHSIG fires when the forking thread ends, so fork from a thread that lives as long as the JVM. */
  private static Process spawn(ProcessBuilder pb) throws IOException {
    CompletableFuture<Process> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(pb.start());
      } catch (Throwable e) {
        f.completeExceptionally(e);
        return;
      }
      while (true) LockSupport.park();
    }, "es-spawner");
    t.setDaemon(true);
    t.start();
    try {
      return f.get();
    } catch (Exception e) {
      throw new IOException("cannot start Elasticsearch: " + e.getMessage(), e);
    }
  }

  public String version() {
    return version;
  }

  public Product product() {
    return product;
  }

  /** The engine name a store config for this node uses: "elasticsearch" or "opensearch". */
  public String engine() {
    return product.engine();
  }

  @Override
  public String toString() {
    return (product == Product.ELASTICSEARCH ? "Elasticsearch " : "OpenSearch ") + version;
  }

  /** e.g. http://127.0.0.1:41234 */
  public String httpUrl() {
    return "http://" + hostPort;
  }

  public long pid() {
    return process().pid();
  }

  public boolean isAlive() {
    return process().isAlive();
  }

  @Override
  public void close() {
    if (process == null) return; // a container is stopped by its owner
    stop(process);
    deleteTree(workDir);
  }

  private static void stop(Process p) {
    if (!p.isAlive()) return;
    p.destroy(); // SIGTERM to the launcher, which stops the server JVM
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      p.descendants().forEach(ProcessHandle::destroyForcibly);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void copyTree(Path src, Path dst) throws IOException {
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : (Iterable<Path>) s::iterator) Files.copy(p, dst.resolve(src.relativize(p).toString()));
    }
  }

  private static void requireTraversable(Path p) throws IOException {
    for (Path d = p.toAbsolutePath(); d != null; d = d.getParent()) {
      if (!Files.getPosixFilePermissions(d).contains(PosixFilePermission.OTHERS_EXECUTE)) {
        throw new IllegalStateException("Elasticsearch runs as 'nobody' under root, which cannot enter " + d
            + "; set -Dbackfill.es.dist / -Dbackfill.es.work to a directory under /tmp");
      }
    }
  }

  private static void chownTree(Path dir, int id) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Files.setAttribute(p, "unix:uid", id, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", id, LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: it is under /tmp
    }
  }
}

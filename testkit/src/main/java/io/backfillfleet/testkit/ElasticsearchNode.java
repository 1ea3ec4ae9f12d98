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
 * A real Elasticsearch node from Maven Central's integ-test-zip (unpacked by the testkit build into
 * {@code backfill.es.dist}), run as a child process on 127.0.0.1 and an ephemeral port.
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

  private final String version;
  private final Path workDir;
  private final String hostPort;
  private final ProcessBuilder launcher;
  private volatile Process process;

  private ElasticsearchNode(String version, Process process, Path workDir, String hostPort, ProcessBuilder launcher) {
    this.version = version;
    this.process = process;
    this.workDir = workDir;
    this.hostPort = hostPort;
    this.launcher = launcher;
  }

  /** A node someone else runs (a container of the 'containers' profile): no process, no work directory here. */
  static ElasticsearchNode external(String version, String hostPort) {
    return new ElasticsearchNode(version, null, null, hostPort, null);
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
    awaitPortsFile(version, process, workDir);
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

  private static ElasticsearchNode startShared(String version, Path javaHome) {
    if (ContainerServers.enabled()) return ContainerServers.elasticsearch(version);
    try {
      ElasticsearchNode n = start(version, javaHome, "512m");
      ServerRegistry.closeAtExit("Elasticsearch " + version, n);
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
    return Paths.get(System.getProperty("backfill.es.dist", "/tmp/backfill-fleet-es-dist"), "elasticsearch-" + version);
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
    if (!Files.isExecutable(esHome.resolve("bin/elasticsearch"))) {
      throw new IllegalStateException("no Elasticsearch " + version + " distribution at " + esHome
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
    cmd.add(esHome.resolve("bin/elasticsearch").toString());
    for (String s : List.of("cluster.name=backfill-test", "node.name=node-" + version,
        "discovery.type=single-node", "network.host=127.0.0.1", "http.port=0", "transport.port=0",
        "node.portsfile=true", "path.data=" + work.resolve("data"), "path.logs=" + work.resolve("logs"),
        "xpack.security.enabled=false", "cluster.routing.allocation.disk.threshold_enabled=false",
        "action.destructive_requires_name=false")) {
      cmd.add("-E" + s);
    }
    for (String s : settings) cmd.add("-E" + s);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("console.log").toFile()));
    Map<String, String> env = pb.environment();
    env.remove("JAVA_TOOL_OPTIONS");
    env.remove("_JAVA_OPTIONS");
    env.remove("JAVA_HOME");
    env.put("ES_JAVA_HOME", javaHome.toString());
    env.put("ES_PATH_CONF", work.resolve("config").toString());
    env.put("ES_TMPDIR", work.resolve("tmp").toString());
    env.put("ES_JAVA_OPTS", "-Xms" + heap + " -Xmx" + heap + " -XX:-AlwaysPreTouch");

    Process p = spawn(pb);
    String hostPort = awaitPortsFile(version, p, work);
    return new ElasticsearchNode(version, p, work, hostPort, pb);
  }

  private static String awaitPortsFile(String version, Process p, Path work) throws IOException, InterruptedException {
    Path portsFile = work.resolve("logs/http.ports");
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (!Files.exists(portsFile)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        stop(p);
        Path log = work.resolve("console.log");
        String text = Files.exists(log) ? Files.readString(log) : "";
        throw new IllegalStateException("Elasticsearch " + version + " did not start (" + (p.isAlive() ? "timeout"
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

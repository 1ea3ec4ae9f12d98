package io.backfillfleet.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.backfillfleet.testkit.ElasticsearchNode;
import io.backfillfleet.testkit.LegacySolr8Cluster;
import io.backfillfleet.testkit.SolrTestCluster;
import io.backfillfleet.testkit.ZooKeeperServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;

/**
 * The migrations users actually run, across majors, each for real: a skewed history in the source, a live
 * dual-writer, {@code plan --apply}, two worker processes of the real jar, then {@code verify}, the id sets of every
 * tenant compared, and every live write checked. Servers are shared by the cells (one of each kind per JVM); each
 * cell has its own collections or indices and its own job. Prints the matrix with pass/fail per cell.
 */
public final class MigrationMatrix {

  /** A kind of cluster a cell reads from or writes to, with the version it really runs. */
  public enum Kind {
    SOLR8("Solr", "8.11.4"), SOLR9("Solr", "9.10.1"),
    ES710("Elasticsearch", System.getProperty("backfill.es710.version", "7.10.2")),
    ES7("Elasticsearch", System.getProperty("backfill.es7.version", "7.17.29")),
    ES8("Elasticsearch", System.getProperty("backfill.es8.version", "8.19.21")),
    ES9("Elasticsearch", System.getProperty("backfill.es9.version", "9.5.3")),
    OS1("OpenSearch", System.getProperty("backfill.os1.version", "1.3.20")),
    OS2("OpenSearch", System.getProperty("backfill.os2.version", "2.19.6")),
    OS3("OpenSearch", System.getProperty("backfill.os3.version", "3.3.2"));

    public final String engine;
    public final String version;

    Kind(String engine, String version) {
      this.engine = engine;
      this.version = version;
    }

    @Override
    public String toString() {
      return engine + " " + version;
    }
  }

  /** One migration: from a source major into a target major. */
  public record Cell(Kind source, Kind target) {
    @Override
    public String toString() {
      return source + " -> " + target;
    }
  }

  /**
   * Every cell the matrix covers: Elasticsearch 7.17, 8 and 9 into 8 and 9; Solr 8 and 9 into Solr 9; Solr 8 into
   * Elasticsearch 8 and 9; into OpenSearch: Elasticsearch 7.10 and 7.17 into 2.19 and 3.3, OpenSearch 1.3 (no
   * point-in-time) into 2.19, 2.19 into 3.3, Solr 9 into 3.3. The README's supported-versions table is generated
   * from this list.
   */
  public static final List<Cell> CELLS = List.of(
      new Cell(Kind.ES7, Kind.ES8), new Cell(Kind.ES7, Kind.ES9), new Cell(Kind.ES8, Kind.ES8),
      new Cell(Kind.ES8, Kind.ES9), new Cell(Kind.ES9, Kind.ES8), new Cell(Kind.ES9, Kind.ES9),
      new Cell(Kind.SOLR8, Kind.SOLR9), new Cell(Kind.SOLR9, Kind.SOLR9),
      new Cell(Kind.SOLR8, Kind.ES8), new Cell(Kind.SOLR8, Kind.ES9),
      new Cell(Kind.ES710, Kind.OS2), new Cell(Kind.ES710, Kind.OS3), new Cell(Kind.ES7, Kind.OS2),
      new Cell(Kind.ES7, Kind.OS3), new Cell(Kind.OS1, Kind.OS2), new Cell(Kind.OS2, Kind.OS3),
      new Cell(Kind.SOLR9, Kind.OS3));

  /** What one cell showed. */
  public record Outcome(Cell cell, int docs, long created, long alreadyPresent, int liveOps, int liveKept,
      int liveExpected, int notResurrected, int deleted, int lost, int extra, int verifyExit, String failure,
      long seconds) {
    public boolean passed() {
      return failure == null && verifyExit == 0 && lost == 0 && extra == 0 && liveKept == liveExpected
          && notResurrected == deleted;
    }

    String row() {
      return String.format(Locale.ROOT, "| %-22s | %-22s | %,7d | %,7d | %,5d | %,5d of %,5d | %,4d of %,4d | %4d | %4d | %6s | %4d | %s |",
          cell.source, cell.target, docs, created, alreadyPresent, liveKept, liveExpected, notResurrected, deleted,
          lost, extra, verifyExit == 0 ? "clean" : "exit " + verifyExit, seconds, passed() ? "PASS" : "FAIL"
              + (failure == null ? "" : ": " + failure));
    }
  }

  public static final String HEADER = "| source | target | docs | created | already there | live docs kept"
      + " | deletes not resurrected | lost | extra | verify | s | result |\n"
      + "|---|---|---|---|---|---|---|---|---|---|---|---|";

  /**
   * The README's supported-versions table: sources down, targets across, "tested" where a matrix cell covers the
   * pair. {@code SupportedVersionsTest} fails when the README's copy differs from this.
   */
  public static String supportedVersionsTable() {
    List<Kind> sources = CELLS.stream().map(Cell::source).distinct().sorted().toList();
    List<Kind> targets = CELLS.stream().map(Cell::target).distinct().sorted().toList();
    StringBuilder sb = new StringBuilder("| source \\ target |");
    targets.forEach(t -> sb.append(' ').append(t).append(" |"));
    sb.append("\n|---|").append("---|".repeat(targets.size())).append('\n');
    for (Kind s : sources) {
      sb.append("| ").append(s).append(" |");
      for (Kind t : targets) sb.append(CELLS.contains(new Cell(s, t)) ? " tested |" : " |");
      sb.append('\n');
    }
    return sb.toString();
  }

  private final BackfillJar backfill;
  private final Path dir;
  private final TestingServer zk;

  private MigrationMatrix(Path jar, Path dir) {
    this.dir = dir;
    this.backfill = new BackfillJar(jar, dir);
    this.zk = ZooKeeperServers.shared();
  }

  public static void main(String[] args) throws Exception {
    int docs = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    Path jar = Paths.get(System.getProperty("backfill.jar", "cli/target/backfill.jar")).toAbsolutePath();
    List<Outcome> outcomes = run(CELLS, docs, jar);
    System.exit(outcomes.stream().allMatch(Outcome::passed) ? 0 : 1);
  }

  /** Runs the cells one after another (each with its own collections and job) and prints the matrix. */
  public static List<Outcome> run(List<Cell> cells, int docs, Path jar) throws Exception {
    MigrationMatrix m = new MigrationMatrix(jar, Files.createTempDirectory("backfill-matrix-"));
    List<Outcome> out = new ArrayList<>();
    for (int i = 0; i < cells.size(); i++) {
      Outcome o = m.runCell(cells.get(i), "m" + i, docs);
      System.out.println("MATRIX " + o.row());
      out.add(o);
    }
    System.out.println("MATRIX migration matrix, " + docs + " documents per cell, two workers, live dual-writer:");
    System.out.println(HEADER);
    out.forEach(o -> System.out.println(o.row()));
    return out;
  }

  private Outcome runCell(Cell cell, String name, int docs) {
    long t0 = System.nanoTime();
    List<Process> workers = new ArrayList<>();
    LiveWriter live = null;
    Thread liveThread = null;
    try (Cluster source = open(cell.source, name + "-src"); Cluster target = open(cell.target, name + "-dst")) {
      source.createCollection();
      target.createCollection();
      // as production sources usually are: searchable within a second, so the guard counts pages by search (the
      // fault suite keeps Solr's real-time path)
      source.searchableWithin(java.time.Duration.ofSeconds(1));
      List<Cluster.HistoryDoc> history = FaultSuite.history(docs);
      source.seed(history);

      Path jobFile = dir.resolve(name + ".yaml");
      Files.writeString(jobFile, "job: " + name + "\n"
          + "zookeeper: {connect: \"" + zk.getConnectString() + "\", root: /matrix}\n"
          + "source: " + source.storeYaml() + "\n"
          + "target: " + target.storeYaml() + "\n"
          + "plan: {docsPerSlice: " + Math.max(500, docs / 20) + "}\n");
      BackfillJar.Result apply = backfill.run("plan", "--job-file", jobFile.toString(), "--apply", "--quiet");
      if (apply.code() != 0) return failed(cell, docs, t0, "plan --apply exit " + apply.code() + ": " + apply.err().strip());

      live = new LiveWriter(source, target, history, FaultSuite.NOW);
      liveThread = new Thread(live, "dual-writer-" + name);
      liveThread.start();
      for (int i = 0; i < 2; i++) {
        workers.add(backfill.startWorker(jobFile, name + "-w" + i, "--settle-seconds", "1", "--checkpoint-seconds", "2"));
      }
      for (Process w : workers) {
        if (!w.waitFor(10, TimeUnit.MINUTES)) return failed(cell, docs, t0, "a worker did not finish in 10 minutes");
        if (w.exitValue() != 0) {
          return failed(cell, docs, t0, "a worker exited " + w.exitValue() + " (log in " + dir + ")");
        }
      }
      Thread.sleep(1000); // live traffic goes on for a moment after the backfill, as in production
      live.stop.set(true);
      liveThread.join();
      source.commit();
      target.commit();

      BackfillJar.Result verify = backfill.run("verify", "--job-file", jobFile.toString(), "--settle-seconds", "1", "--ids");
      int[] diff = FaultSuite.compareIds(source, target, history);
      LiveCheck check = LiveCheck.of(live, target);
      check.problems().stream().limit(10).forEach(p -> System.err.println("MATRIX " + cell + ": " + p));
      JsonNode status = backfill.status(jobFile);
      return new Outcome(cell, docs, status == null ? -1 : status.path("docsCreated").asLong(),
          status == null ? -1 : status.path("docsAlreadyPresent").asLong(), live.ops.get(), check.preserved(),
          check.expectedLive(), check.notResurrected(), check.deletedLive(), diff[0], diff[1], verify.code(), null,
          seconds(t0));
    } catch (Exception e) {
      return failed(cell, docs, t0, e.toString());
    } finally {
      workers.forEach(Process::destroyForcibly);
      if (live != null) live.stop.set(true);
    }
  }

  private static Outcome failed(Cell cell, int docs, long t0, String why) {
    return new Outcome(cell, docs, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, why, seconds(t0));
  }

  private static long seconds(long t0) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
  }

  /** A collection or index on the shared server of that kind (a Solr 9 source and target are different clusters). */
  private static Cluster open(Kind kind, String collection) {
    return switch (kind) {
      // Solr 8 is only a source here: one whose every field has docValues, read through /export (with key-range
      // proofs); the Solr 9 source is read with cursorMark
      case SOLR8 -> SolrCluster.shared(LegacySolr8Cluster.shared().zkHost(), collection,
          (name, shards) -> LegacySolr8Cluster.shared().createCollection(name, shards, SolrTestCluster.DOCVALUES_CONFIGSET));
      case SOLR9 -> {
        SolrTestCluster c = collection.endsWith("-src") ? SolrTestCluster.legacy() : SolrTestCluster.target();
        yield SolrCluster.shared(c.zkHost() + "/solr", collection, c::createCollection);
      }
      case ES7 -> ElasticsearchCluster.shared(ElasticsearchNode.es7(), collection);
      case ES8 -> ElasticsearchCluster.shared(ElasticsearchNode.es8(), collection);
      case ES9 -> ElasticsearchCluster.shared(ElasticsearchNode.es9().orElseThrow(() -> new IllegalStateException(
          "Elasticsearch 9 needs a JDK 21+ (backfill.es9.java.home); none was found")), collection);
      case ES710 -> ElasticsearchCluster.shared(ElasticsearchNode.es710(), collection);
      case OS1 -> ElasticsearchCluster.shared(ElasticsearchNode.opensearch1(), collection);
      case OS2 -> ElasticsearchCluster.shared(ElasticsearchNode.opensearch2(), collection);
      case OS3 -> ElasticsearchCluster.shared(ElasticsearchNode.opensearch3().orElseThrow(() -> new IllegalStateException(
          "OpenSearch 3 needs a JDK 21+ (backfill.es9.java.home); none was found")), collection);
    };
  }
}

package io.backfillfleet.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.backfillfleet.testkit.ZooKeeperServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * The whole story on embedded servers: a skewed multi-tenant history in a legacy cluster, a live dual-writer,
 * plan (dry run, picture, apply), three worker processes of the real 'backfill' jar (one killed with SIGKILL and
 * started again), status while it runs, reads compared and mirrored, verify, and a summary. Exits 0 only if everything holds.
 */
public final class DemoMain {
  private static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");
  // documents per tenant (very uneven) and retention in days (a busy tenant keeps a month, a quiet one years)
  private static final int[] WEIGHTS = {40, 20, 12, 8, 6, 4, 3, 2, 2, 1, 1, 1};
  private static final int[] RETENTION_DAYS = {30, 60, 90, 180, 365, 365, 730, 730, 1095, 1460, 1825, 3650};

  private final List<Process> workers = Collections.synchronizedList(new ArrayList<>(List.of()));
  private final Closers servers = new Closers("demo");
  private final Path dir;
  private final BackfillJar backfill;

  private DemoMain(Path dir, Path jar) {
    this.dir = dir;
    this.backfill = new BackfillJar(jar, dir);
  }

  public static void main(String[] args) throws Exception {
    RunOptions options = RunOptions.parse(args, 300_000, "scripts/demo.sh [--engine solr|elasticsearch|opensearch] [--docs N]");
    Path jar = Paths.get(System.getProperty("backfill.jar", "cli/target/backfill.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      System.err.println("demo: " + jar + " is missing; build it with 'mvn -B install -DskipTests'");
      System.exit(2);
    }
    Path dir = Files.createTempDirectory("backfill-demo-");
    DemoMain demo = new DemoMain(dir, jar);
    Runtime.getRuntime().addShutdownHook(new Thread(demo::stopEverything, "demo-cleanup"));
    int code;
    try {
      code = demo.run(options.engine(), options.docs());
    } catch (Exception e) {
      System.err.println("demo FAILED: " + e);
      e.printStackTrace();
      code = 1;
    }
    System.out.flush();
    System.exit(code);
  }

  private int run(String engine, int totalDocs) throws Exception {
    long t0 = System.nanoTime();
    say("1/9 starting embedded servers: ZooKeeper for the fleet, a legacy and a new " + engine + " cluster");
    ZooKeeperServerEmbedded zk = ZooKeeperServers.embedded(dir.resolve("zk"), 0);
    servers.add(zk);
    ClusterPair clusters = ClusterPair.start(engine, dir, servers);
    Cluster legacy = clusters.legacy();
    Cluster fresh = clusters.fresh();
    fresh.createCollection();

    say("2/9 writing a skewed history of " + totalDocs + " documents over 12 tenants into the legacy cluster");
    List<Cluster.HistoryDoc> history = history(totalDocs);
    clusters.seedLegacy(history);

    Path jobFile = dir.resolve("job.yaml");
    Files.writeString(jobFile, "job: demo\n"
        + "zookeeper: {connect: \"" + zk.getConnectionString() + "\", root: /backfill}\n"
        + "source: " + legacy.storeYaml() + "\n"
        + "target: " + fresh.storeYaml() + "\n"
        + "plan: {docsPerSlice: 10000, docsPerSecond: 8000, workers: 3, maxAttempts: 5}\n");

    say("3/9 dry run: the slice report (nothing is written anywhere)");
    Path html = Paths.get("demo-plan.html").toAbsolutePath();
    BackfillJar.Result dry = backfill.run("plan", "--job-file", jobFile.toString(), "--dry-run", "--quiet", "--html", html.toString());
    System.out.print(dry.out());
    require(dry.code() == 0, "dry run failed: " + dry.err());
    say("   the picture of the slices is in " + html + " (busy tenants: short windows; quiet ones: long)");
    BackfillJar.Result apply = backfill.run("plan", "--job-file", jobFile.toString(), "--apply", "--quiet");
    require(apply.code() == 0, "apply failed: " + apply.err());
    say("4/9 plan applied: " + apply.err().strip());

    say("5/9 live traffic starts: a dual-writer creates, updates and deletes in both clusters, legacy first");
    LiveWriter live = new LiveWriter(legacy, fresh, history, NOW);
    Thread liveThread = new Thread(live, "dual-writer");
    liveThread.start();

    say("6/9 three workers start (separate JVMs of the backfill jar); one will be killed with SIGKILL mid-way");
    for (int i = 0; i < 3; i++) workers.add(startWorker(jobFile, i));
    boolean killed = false;
    while (workers.stream().anyMatch(Process::isAlive)) {
      Thread.sleep(3000); // a progress display interval
      JsonNode s = backfill.status(jobFile);
      if (s != null) {
        say(String.format(Locale.ROOT, "   status: %3.0f%% | %d/%d slices done, %d in progress | %,d docs/s | live ops %d",
            s.path("docsRead").asDouble() * 100 / Math.max(1, s.path("estimatedDocs").asLong()), s.path("done").asInt(),
            s.path("slices").asInt(), s.path("inProgress").asInt(), s.path("docsPerSecond").asLong(), live.ops.get()));
        if (!killed && s.path("done").asInt() * 4 >= s.path("slices").asInt()) {
          Process victim = workers.get(1);
          victim.destroyForcibly(); // SIGKILL: no checkpoint, no release; its claims end with its session
          victim.waitFor(10, TimeUnit.SECONDS);
          killed = true;
          say("   killed worker demo-w1 with SIGKILL while it held slices; starting it again");
          workers.set(1, startWorker(jobFile, 1));
        }
      }
    }
    for (int i = 0; i < workers.size(); i++) {
      require(workers.get(i).exitValue() == 0, "worker " + i + " exited " + workers.get(i).exitValue() + "; see "
          + dir.resolve("worker-demo-w" + i + ".log"));
    }
    require(killed, "the run ended before a worker could be killed; use more --docs");
    say("   all workers exited 0: no work left");

    say("7/9 before cutting reads over: generated reads compared once, then a reader goes through 'backfill mirror'"
        + " while the dual-writer still writes");
    // the demo's Solr clusters make writes searchable only on commit; clusters serving reads refresh every second or so
    legacy.searchableWithin(Duration.ofSeconds(1));
    fresh.searchableWithin(Duration.ofSeconds(1));
    MirrorStep readCheck = new MirrorStep(backfill, dir, jobFile);
    MirrorStep.Verdict compared = readCheck.compare();
    say("   compare: " + compared.line());
    MirrorStep.Verdict mirrored = readCheck.mirror(15);
    say("   mirror:  " + mirrored.line() + "; the reader got " + mirrored.callerReads() + " answers from legacy, "
        + mirrored.callerFailures() + " failed");
    say("   reports: " + dir.resolve("compare.html") + " and " + dir.resolve("mirror.html"));
    live.stop.set(true);
    liveThread.join();
    legacy.commit();
    fresh.commit();

    say("8/9 verify: every slice's window counted and its ids compared on both clusters");
    BackfillJar.Result verify = backfill.run("verify", "--job-file", jobFile.toString(), "--settle-seconds", "2", "--ids");
    System.out.print(verify.out());

    say("9/9 checking every document the live writer touched");
    LiveCheck check = LiveCheck.of(live, fresh);
    JsonNode status = backfill.status(jobFile);
    long copied = status == null ? -1 : status.path("docsCreated").asLong();
    long seconds = Duration.ofNanos(System.nanoTime() - t0).toSeconds();
    System.out.println();
    System.out.println("==================== SUMMARY (" + engine + ") ====================");
    System.out.printf(Locale.ROOT, "documents in the legacy history:   %,d over 12 tenants%n", totalDocs);
    long alreadyPresent = status == null ? -1 : status.path("docsAlreadyPresent").asLong();
    System.out.printf(Locale.ROOT, "documents copied by the backfill:  %,d created, %,d already there (live writes kept)%n",
        copied, alreadyPresent);
    System.out.printf(Locale.ROOT, "live operations during the run:    %,d%n", live.ops.get());
    System.out.printf(Locale.ROOT, "live documents preserved:          %,d of %,d%n", check.preserved(),
        check.expectedLive());
    System.out.printf(Locale.ROOT, "deleted documents not resurrected: %,d of %,d%n", check.notResurrected(),
        check.deletedLive());
    System.out.printf(Locale.ROOT, "worker killed with SIGKILL:        demo-w1, mid-slice; restarted, its slices resumed%n");
    System.out.printf(Locale.ROOT, "verification:                      %s%n", verify.code() == 0 ? "clean (0 mismatches)"
        : "MISMATCHES (exit " + verify.code() + ")");
    System.out.printf(Locale.ROOT, "reads, replayed (compare):         %s%n", compared.line());
    System.out.printf(Locale.ROOT, "reads, mirrored under live writes: %s%n", mirrored.line());
    System.out.printf(Locale.ROOT, "wall time:                         %d s%n", seconds);
    check.problems().stream().limit(20).forEach(p -> System.out.println("PROBLEM: " + p));
    // the read check's verdicts are printed above; what must hold is that callers of the mirror were never hurt
    // and that it compared reads (live writes may leave a few reads differing after the one re-ask)
    if (mirrored.callerFailures() > 0 || mirrored.reads() == 0) {
      System.out.println("PROBLEM: the mirror failed " + mirrored.callerFailures() + " reads or compared none");
    }
    boolean ok = check.holds() && verify.code() == 0 && mirrored.callerFailures() == 0 && mirrored.reads() > 0
        && compared.reads() > 0;
    System.out.println(ok ? "RESULT: everything holds" : "RESULT: FAILED");
    return ok ? 0 : 1;
  }

  private static List<Cluster.HistoryDoc> history(int total) {
    Random r = new Random(2025);
    int weightSum = java.util.Arrays.stream(WEIGHTS).sum();
    List<Cluster.HistoryDoc> out = new ArrayList<>(total);
    for (int t = 0; t < WEIGHTS.length; t++) {
      String tenant = String.format("tenant-%02d", t);
      int n = t == WEIGHTS.length - 1 ? total - out.size() : total * WEIGHTS[t] / weightSum;
      for (int i = 0; i < n; i++) {
        // busy tenants also have bursty days: a fifth of their events land in one day
        double when = t < 3 && i % 5 == 0 ? 0.5 + r.nextDouble() / RETENTION_DAYS[t] : r.nextDouble();
        Instant ts = t == 7 && i % 100 == 0 ? null : NOW.minusMillis((long) (when * RETENTION_DAYS[t] * 86_400_000L));
        out.add(new Cluster.HistoryDoc(tenant + "-" + i, tenant, ts, "history", i % 1000));
      }
    }
    return out;
  }

  private Process startWorker(Path jobFile, int i) throws IOException {
    return backfill.startWorker(jobFile, "demo-w" + i, "--settle-seconds", "2", "--checkpoint-seconds", "2");
  }

  private void stopEverything() {
    for (Process p : workers) p.destroyForcibly();
    servers.close();
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalStateException(message);
  }

  private static void say(String s) {
    System.out.println(s);
  }

}

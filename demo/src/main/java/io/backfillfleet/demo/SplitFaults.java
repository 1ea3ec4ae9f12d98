package io.backfillfleet.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobStatus;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.coordinator.ZkSettings;
import io.backfillfleet.testkit.ZooKeeperServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * Issue 18's fault test, with real worker processes: every worker waits a few seconds between deciding a split and
 * writing it (a test-only system property), so the first holder that decides is SIGKILLed before its split is written,
 * and the next holder that writes one is SIGKILLed right after. A live dual-writer runs all the time. Afterwards: every
 * slice done (the successor included), nothing lost or extra, nothing overwritten or resurrected, verify clean.
 */
public final class SplitFaults {
  static final Instant NOW = FaultSuite.NOW;
  private static final String JOB = "splitfaults";
  private static final long PAUSE_MS = 3000;

  public record Figures(String engine, int docs, int plannedSlices, int slicesAtEnd, boolean killedBeforeWrite,
      boolean killedAfterWrite, long alreadyPresent, int overwritten, int resurrected, int lost, int extra,
      int fencedWrites, int verifyExit, int notDone, long seconds) {
    public boolean holds() {
      return killedBeforeWrite && killedAfterWrite && slicesAtEnd > plannedSlices && overwritten == 0
          && resurrected == 0 && lost == 0 && extra == 0 && fencedWrites == 0 && verifyExit == 0 && notDone == 0;
    }

    public String line() {
      return String.format(java.util.Locale.ROOT, "split faults, %s, %,d docs: killed between a split's decision and"
          + " its write: %s, right after a split: %s; slices %d planned, %d at the end; %,d already present; %d lost,"
          + " %d extra, %d overwritten, %d resurrected, %d fenced writes; verify exit %d; %d slices not done; %d s",
          engine, docs, killedBeforeWrite, killedAfterWrite, plannedSlices, slicesAtEnd, alreadyPresent, lost, extra,
          overwritten, resurrected, fencedWrites, verifyExit, notDone, seconds);
    }
  }

  private SplitFaults() {}

  public static void main(String[] args) throws Exception {
    RunOptions options = RunOptions.parse(args, 30_000, "SplitFaults [--engine solr|elasticsearch|opensearch] [--docs N]");
    Path jar = Paths.get(System.getProperty("backfill.jar", "cli/target/backfill.jar")).toAbsolutePath();
    Figures f = run(options.engine(), options.docs(), jar);
    System.out.println(f.line());
    System.exit(f.holds() ? 0 : 1);
  }

  public static Figures run(String engine, int totalDocs, Path jar) throws Exception {
    long t0 = System.nanoTime();
    Path dir = Files.createTempDirectory("backfill-split-faults-");
    BackfillJar backfill = new BackfillJar(jar, dir);
    Map<String, Process> workers = Collections.synchronizedMap(new LinkedHashMap<>());
    try (Closers closers = new Closers("split faults")) {
      ZooKeeperServerEmbedded zk = ZooKeeperServers.embedded(dir.resolve("zk"), 0);
      closers.add(zk);
      ClusterPair clusters = ClusterPair.start(engine, dir, closers);
      Cluster legacy = clusters.legacy();
      Cluster fresh = clusters.fresh();
      fresh.createCollection();
      List<Cluster.HistoryDoc> history = oneTenant(totalDocs);
      clusters.seedLegacy(history);

      Path jobFile = dir.resolve("job.yaml");
      Files.writeString(jobFile, "job: " + JOB + "\n"
          + "zookeeper: {connect: \"" + zk.getConnectionString() + "\", root: /backfill}\n"
          + "source: " + legacy.storeYaml() + "\n"
          + "target: " + fresh.storeYaml() + "\n"
          + "plan: {docsPerSlice: " + totalDocs / 2 + ", maxAttempts: 10}\n");
      BackfillJar.Result apply = backfill.run("plan", "--job-file", jobFile.toString(), "--apply", "--quiet");
      if (apply.code() != 0) throw new IllegalStateException("plan --apply failed: " + apply.err());
      // three workers for two slices: one is idle from the start, so the holders split; the throttle makes the copy
      // outlast two kills and the session expiries they cause
      backfill.run("throttle", "--job-file", jobFile.toString(), "--docs-per-second", "1500");

      FaultSuite.EpochWatch epochs = new FaultSuite.EpochWatch(zk.getConnectionString(), "/backfill/jobs/" + JOB
          + "/slices");
      closers.add(epochs);
      LiveWriter live = new LiveWriter(legacy, fresh, history, NOW);
      Thread liveThread = new Thread(live, "dual-writer");
      liveThread.start();

      List<String> jvm = List.of("-Dbackfill.test.split-pause-ms=" + PAUSE_MS);
      String[] args = {"--concurrency", "1", "--settle-seconds", "2", "--checkpoint-seconds", "1", "--page-size", "200",
          "--zk-session-seconds", "6", "--grace-seconds", "5", "--split", "auto", "--split-min-seconds", "2",
          "--split-min-docs", "500"};
      AtomicInteger next = new AtomicInteger();
      for (int i = 0; i < 3; i++) {
        String id = "s" + next.getAndIncrement();
        workers.put(id, backfill.startWorker(jobFile, id, jvm, args));
      }

      boolean killedBefore = false;
      boolean killedAfter = false;
      int planned;
      try (CoordinatorConnection conn = new CoordinatorConnection(ZkSettings.of(zk.getConnectionString(), "/backfill"))
          .start()) {
        planned = new JobStatusReader(conn).read(JOB).slices().size();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!(killedBefore && killedAfter) && System.nanoTime() < deadline
            && workers.values().stream().anyMatch(Process::isAlive)) {
          Thread.sleep(50); // polls the workers' logs; a kill must land inside the pause
          for (Map.Entry<String, Process> w : List.copyOf(workers.entrySet())) {
            Path logFile = dir.resolve("worker-" + w.getKey() + ".log");
            if (!w.getValue().isAlive() || !Files.exists(logFile)) continue;
            String log = Files.readString(logFile, StandardCharsets.UTF_8);
            int decided = count(log, ": splitting at ");
            int written = count(log, " split at ");
            if (!killedBefore && decided > written) {
              w.getValue().destroyForcibly(); // SIGKILL while the split is decided but not written
              w.getValue().waitFor(10, TimeUnit.SECONDS);
              killedBefore = true;
              System.err.println("split faults: killed " + w.getKey() + " between a split's decision and its write");
              String id = "s" + next.getAndIncrement();
              workers.put(id, backfill.startWorker(jobFile, id, jvm, args)); // as Kubernetes would
            } else if (killedBefore && !killedAfter && written > 0) {
              w.getValue().destroyForcibly(); // SIGKILL right after a split was written
              w.getValue().waitFor(10, TimeUnit.SECONDS);
              killedAfter = true;
              System.err.println("split faults: killed " + w.getKey() + " right after it wrote a split");
              String id = "s" + next.getAndIncrement();
              workers.put(id, backfill.startWorker(jobFile, id, jvm, args));
            }
          }
        }
        backfill.run("throttle", "--job-file", jobFile.toString(), "--docs-per-second", "0");
        for (Process p : List.copyOf(workers.values())) p.waitFor(180, TimeUnit.SECONDS);
        live.stop.set(true);
        liveThread.join();
        legacy.commit();
        fresh.commit();
        JobStatus end = new JobStatusReader(conn).read(JOB);
        int notDone = (int) end.slices().values().stream()
            .filter(w -> w.state() != io.backfillfleet.coordinator.SliceState.DONE).count();
        long present = end.slices().values().stream().mapToLong(WorkNode::docsAlreadyPresent).sum();
        BackfillJar.Result verify = backfill.run("verify", "--job-file", jobFile.toString(), "--settle-seconds", "2",
            "--ids");
        LiveCheck check = LiveCheck.of(live, fresh);
        int overwritten = (int) check.problems().stream().filter(p -> p.contains("expected the live version")).count();
        int resurrected = (int) check.problems().stream().filter(p -> p.contains("resurrected")).count();
        int[] diff = FaultSuite.compareIds(legacy, fresh, history);
        JsonNode st = backfill.status(jobFile);
        if (st != null) System.err.println("split faults: " + st.path("slices").asInt() + " slices, "
            + st.path("plannedSlices").asInt() + " planned");
        return new Figures(engine, totalDocs, planned, end.slices().size(), killedBefore, killedAfter, present,
            overwritten, resurrected, diff[0], diff[1], epochs.regressions.get(), verify.code(), notDone,
            Duration.ofNanos(System.nanoTime() - t0).toSeconds());
      }
    } finally {
      for (Process p : List.copyOf(workers.values())) p.destroyForcibly();
    }
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
    return n;
  }

  /** One tenant's month, so the plan has two big slices. */
  static List<Cluster.HistoryDoc> oneTenant(int total) {
    Random r = new Random(19);
    List<Cluster.HistoryDoc> out = new ArrayList<>(total);
    for (int i = 0; i < total; i++) {
      out.add(new Cluster.HistoryDoc("big-" + i, "tenant-big", NOW.minusMillis((long) (r.nextDouble() * 30 * 86_400_000L)),
          "history", i % 1000));
    }
    return out;
  }
}

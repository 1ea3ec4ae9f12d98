package io.backfillfleet.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.Stores;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import io.backfillfleet.testkit.ZooKeeperServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;

/**
 * Proof under fire: the backfill with a live dual-writer while workers are SIGKILLed and replaced, a ZooKeeper
 * member stops and returns, a worker freezes past its session (and is fenced when it wakes), the target goes
 * down and comes back, and the throttle and pause change. Then: every slice DONE, target = source per tenant (ids),
 * live writes kept, deletes not resurrected, no write by a fenced worker, verify clean. Prints one line of figures.
 */
public final class FaultSuite {
  static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");

  /** The figures of a run; {@code holds()} is the verdict. */
  public record Figures(String engine, int docs, int kills, int zkFaults, int sessionExpiries, int targetOutages,
      long alreadyPresent, int overwritten, int resurrected, int lost, int extra, int fencedWrites, int verifyExit,
      int slicesNotDone, long seconds) {
    public boolean holds() {
      return overwritten == 0 && resurrected == 0 && lost == 0 && extra == 0 && fencedWrites == 0 && verifyExit == 0
          && slicesNotDone == 0;
    }

    public String line() {
      return String.format(Locale.ROOT, "FAULTS %s: documents %,d | kills survived %d | ZooKeeper faults %d | session"
          + " expiries %d | target outages %d | already present (live writes + re-copies after crashes) %,d |"
          + " overwritten %d | resurrected %d | lost %d | extra %d | writes by fenced workers %d | verify exit %d |"
          + " %d s", engine, docs, kills, zkFaults, sessionExpiries, targetOutages, alreadyPresent, overwritten,
          resurrected, lost, extra, fencedWrites, verifyExit, seconds);
    }
  }

  public static void main(String[] args) throws Exception {
    RunOptions options = RunOptions.parse(args, 200_000,
        "scripts/fault-suite.sh [--engine solr|elasticsearch|opensearch] [--docs N]");
    Path jar = Paths.get(System.getProperty("backfill.jar", "cli/target/backfill.jar")).toAbsolutePath();
    Figures f = run(options.engine(), options.docs(), jar);
    System.out.println(f.line());
    System.out.println(f.holds() ? "RESULT: nothing lost, nothing overwritten, nothing resurrected" : "RESULT: FAILED");
    System.exit(f.holds() ? 0 : 1);
  }

  public static Figures run(String engine, int totalDocs, Path jar) throws Exception {
    long t0 = System.nanoTime();
    Path dir = Files.createTempDirectory("backfill-faults-");
    BackfillJar backfill = new BackfillJar(jar, dir);
    Closers closers = new Closers("faults");
    List<Process> workers = Collections.synchronizedList(new ArrayList<>());
    try {
      TestingCluster zk = ZooKeeperServers.ensemble(3);
      closers.add(zk);
      ClusterPair clusters = ClusterPair.start(engine, dir, closers);
      Cluster legacy = clusters.legacy();
      Cluster fresh = clusters.fresh();
      fresh.createCollection();
      List<Cluster.HistoryDoc> history = history(totalDocs);
      clusters.seedLegacy(history);

      Path jobFile = dir.resolve("job.yaml");
      Files.writeString(jobFile, "job: faults\n"
          + "zookeeper: {connect: \"" + zk.getConnectString() + "\", root: /backfill}\n"
          + "source: " + legacy.storeYaml() + "\n"
          + "target: " + fresh.storeYaml().replace("}", ", maxAttempts: 3, requestTimeout: PT10S}") + "\n"
          + "plan: {docsPerSlice: " + Math.max(500, totalDocs / 60) + ", maxAttempts: 10}\n");
      BackfillJar.Result apply = backfill.run("plan", "--job-file", jobFile.toString(), "--apply", "--quiet");
      if (apply.code() != 0) throw new IllegalStateException("plan --apply failed: " + apply.err());

      EpochWatch epochs = new EpochWatch(zk.getConnectString(), "/backfill/jobs/faults/slices");
      closers.add(epochs);
      LiveWriter live = new LiveWriter(legacy, fresh, history, NOW);
      Thread liveThread = new Thread(live, "dual-writer");
      liveThread.start();

      // throttled from the start, so the copy outlasts the fault schedule however fast the workers are (a 4-worker
      // fleet copied the 30,000 documents of CI's size before the first kill was due once it got faster; at 3,000
      // docs/s a loaded CI run copied them all in the 20 s its first 'status' took, and had no kill); lifted live
      // at the resume below, which comes only after a kill
      BackfillJar.Result throttled = backfill.run("throttle", "--job-file", jobFile.toString(), "--docs-per-second",
          "500");
      if (throttled.code() != 0) throw new IllegalStateException("throttle failed: " + throttled.err());
      String[] workerArgs = {"--settle-seconds", "2", "--checkpoint-seconds", "1", "--page-size", "500",
          "--zk-session-seconds", "6", "--grace-seconds", "5"};
      AtomicInteger next = new AtomicInteger();
      for (int i = 0; i < 4; i++) workers.add(backfill.startWorker(jobFile, "f" + next.getAndIncrement(), workerArgs));

      Set<Process> handled = new HashSet<>(); // exited and dealt with: killed by this suite, or replaced
      Random rnd = new Random(3);
      List<CompletableFuture<Void>> background = new ArrayList<>();
      int kills = 0, zkFaults = 0, expiries = 0, outages = 0;
      long start = System.nanoTime();
      InstanceSpec downMember = null;
      boolean paused = false, resumed = false, frozeOne = false, outageDone = false;
      double lastKill = 0;
      long deadline = start + TimeUnit.MINUTES.toNanos(10);
      while (System.nanoTime() < deadline) {
        Thread.sleep(1000); // the fault schedule's tick
        double s = (System.nanoTime() - start) / 1e9;
        // a worker that exited with an error (one starting while the target is down waits for it up to
        // --wait-for-clusters, then exits 4) is started again, as a Kubernetes Job restarts a failed pod; without
        // it, a loaded run could be left with one worker and no kill (CI: 'kill: No such process', 0 kills)
        for (Process p : List.copyOf(workers)) {
          if (p.isAlive() || handled.contains(p) || p.exitValue() == 0) continue;
          handled.add(p);
          System.err.println("faults: a worker exited with code " + p.exitValue() + "; starting another, as a Job would");
          workers.add(backfill.startWorker(jobFile, "f" + next.getAndIncrement(), workerArgs));
        }
        List<Process> alive = workers.stream().filter(Process::isAlive).toList();
        if (alive.isEmpty()) break;
        JsonNode st = backfill.status(jobFile);
        boolean nearlyDone = st != null && st.path("done").asInt() + 2 >= st.path("slices").asInt();
        // the first kill as soon as the fleet is copying (a fixed start time could fall after a fast copy, or between
        // two slow status calls, and leave a run without any), then every 4 s or more
        boolean copying = st != null && st.path("inProgress").asInt() + st.path("done").asInt() > 0;
        // (or at 30 s whatever status said: a status that could not be read must not leave the run without a kill)
        boolean due = kills == 0 ? copying || s >= 30 : s - lastKill >= 4;
        if (!nearlyDone && due && alive.size() >= 2) {
          lastKill = s;
          Process victim = alive.get(rnd.nextInt(alive.size()));
          handled.add(victim);
          victim.destroyForcibly(); // SIGKILL, as a node failure would
          victim.waitFor(10, TimeUnit.SECONDS);
          kills++;
          workers.add(backfill.startWorker(jobFile, "f" + next.getAndIncrement(), workerArgs)); // as Kubernetes would
        }
        if (downMember == null && zkFaults == 0 && s >= 4) {
          downMember = zk.getInstances().iterator().next();
          zk.killServer(downMember);
          zkFaults++;
        } else if (downMember != null && s >= 10) {
          ZooKeeperServers.restart(zk, downMember);
          downMember = null;
        }
        if (!frozeOne && s >= 6 && alive.size() >= 2) {
          Process frozen = alive.get(0);
          background.add(CompletableFuture.runAsync(() -> {
            signal(frozen, "STOP"); // a long GC pause: its session expires while it holds slices
            sleep(9000);
            signal(frozen, "CONT"); // it wakes up fenced from whatever it held
          }));
          expiries++;
          frozeOne = true;
        }
        if (!outageDone && s >= 8) {
          background.add(CompletableFuture.runAsync(() -> {
            System.err.println("faults: " + java.time.LocalTime.now() + " stopping the target");
            fresh.stopNodes();
            sleep(6000); // the target is down for a while
            System.err.println("faults: " + java.time.LocalTime.now() + " starting the target");
            fresh.startNodes();
            System.err.println("faults: " + java.time.LocalTime.now() + " the target is back");
          }));
          outages++;
          outageDone = true;
        }
        if (!paused && s >= 12) {
          backfill.run("pause", "--job-file", jobFile.toString());
          paused = true;
        }
        if (paused && !resumed && s >= 15 && (kills > 0 || s >= 120)) { // the throttle holds the copy until a kill
          backfill.run("resume", "--job-file", jobFile.toString());
          backfill.run("throttle", "--job-file", jobFile.toString(), "--docs-per-second", "0");
          resumed = true;
        }
      }
      for (CompletableFuture<Void> f : background) f.get(5, TimeUnit.MINUTES);
      if (downMember != null) ZooKeeperServers.restart(zk, downMember);
      if (!resumed) {
        backfill.run("resume", "--job-file", jobFile.toString());
        backfill.run("throttle", "--job-file", jobFile.toString(), "--docs-per-second", "0");
      }
      for (Process p : workers) p.waitFor(120, TimeUnit.SECONDS);
      live.stop.set(true);
      liveThread.join();
      legacy.commit();
      fresh.commit();

      JsonNode st = backfill.status(jobFile);
      int notDone = st == null ? -1 : st.path("slices").asInt() - st.path("done").asInt();
      long alreadyPresent = st == null ? -1 : st.path("docsAlreadyPresent").asLong();
      BackfillJar.Result verify = backfill.run("verify", "--job-file", jobFile.toString(), "--settle-seconds", "2", "--ids");
      LiveCheck check = LiveCheck.of(live, fresh);
      int overwritten = (int) check.problems().stream().filter(p -> p.contains("expected the live version")).count();
      int resurrected = (int) check.problems().stream().filter(p -> p.contains("resurrected")).count();
      int[] diff = compareIds(legacy, fresh, history);
      if (diff[0] + diff[1] > 0) {
        System.err.println("the dual-writer's journal (" + live.journal.size() + " operations) follows, to diagnose the ids above");
        live.journal.forEach(j -> System.err.println("  LIVE " + j));
      }
      return new Figures(engine, totalDocs, kills, zkFaults, expiries, outages, alreadyPresent, overwritten, resurrected,
          diff[0], diff[1], epochs.regressions.get(), verify.code(), notDone,
          Duration.ofNanos(System.nanoTime() - t0).toSeconds());
    } finally {
      for (Process p : workers) p.destroyForcibly();
      closers.close();
    }
  }

  /** {missing in target, extra in target} over every tenant's whole history, by id. */
  static int[] compareIds(Cluster legacy, Cluster fresh, List<Cluster.HistoryDoc> history) {
    Set<String> tenants = new HashSet<>();
    history.forEach(d -> tenants.add(d.tenant()));
    int missing = 0, extra = 0;
    try (SearchStore a = Stores.open("source", legacy.storeConfig()); SearchStore b = Stores.open("target", fresh.storeConfig())) {
      a.makeVisible();
      b.makeVisible();
      for (String t : tenants) {
        for (TimeWindow w : List.of(TimeWindow.of(NOW.minusSeconds(86_400L * 4000), NOW.plusSeconds(86_400L)),
            TimeWindow.withoutTimestamp())) {
          Set<String> src = ids(a, t, w);
          Set<String> dst = ids(b, t, w);
          for (String id : src) {
            if (!dst.contains(id)) {
              missing++;
              System.err.println("LOST: " + id + " (tenant " + t + ", window " + w + ")");
            }
          }
          for (String id : dst) {
            if (!src.contains(id)) {
              extra++;
              System.err.println("EXTRA: " + id + " (tenant " + t + ", window " + w + ")");
            }
          }
        }
      }
    }
    return new int[] {missing, extra};
  }

  private static Set<String> ids(SearchStore s, String tenant, TimeWindow w) {
    Set<String> out = new HashSet<>();
    try (WindowReader r = s.reader(tenant, w, Cursor.START)) {
      for (Page p = r.readPage(2000); ; p = r.readPage(2000)) {
        for (Doc d : p.docs()) out.add(d.id());
        if (p.last()) break;
      }
    }
    return out;
  }

  private static void signal(Process p, String sig) {
    try {
      new ProcessBuilder("kill", "-" + sig, String.valueOf(p.pid())).inheritIO().start().waitFor();
    } catch (Exception e) {
      throw new IllegalStateException("kill -" + sig + " failed: " + e.getMessage(), e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis); // the length of a fault
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** 20 tenants, very uneven: Zipf-like sizes, retention from a month to ten years. */
  static List<Cluster.HistoryDoc> history(int total) {
    Random r = new Random(11);
    double[] w = new double[20];
    double sum = 0;
    for (int i = 0; i < 20; i++) sum += w[i] = 1.0 / Math.pow(i + 1, 1.1);
    List<Cluster.HistoryDoc> out = new ArrayList<>(total);
    for (int t = 0; t < 20; t++) {
      String tenant = String.format("tenant-%02d", t);
      int n = t == 19 ? total - out.size() : (int) (total * w[t] / sum);
      int days = 30 + t * 190;
      for (int i = 0; i < n; i++) {
        Instant ts = t == 5 && i % 100 == 0 ? null : NOW.minusMillis((long) (r.nextDouble() * days * 86_400_000L));
        out.add(new Cluster.HistoryDoc(tenant + "-" + i, tenant, ts, "history", i % 1000));
      }
    }
    return out;
  }

  /**
   * Watches every version of every work node: a slice's epoch only ever grows, so an epoch that goes back is a
   * write by a holder that had been fenced.
   */
  static final class EpochWatch implements AutoCloseable {
    final AtomicInteger regressions = new AtomicInteger();
    private final Map<String, Long> last = new ConcurrentHashMap<>();
    private final CuratorFramework client;
    private final CuratorCache cache;

    EpochWatch(String connect, String path) {
      client = CuratorFrameworkFactory.newClient(connect, new ExponentialBackoffRetry(200, 20, 3000));
      client.start();
      cache = CuratorCache.build(client, path);
      cache.listenable().addListener(CuratorCacheListener.builder().forCreatesAndChanges((o, n) -> {
        if (n.getPath().equals(path) || n.getData() == null) return;
        try {
          long epoch = new com.fasterxml.jackson.databind.ObjectMapper().readTree(n.getData()).path("epoch").asLong();
          Long before = last.put(n.getPath(), epoch);
          if (before != null && epoch < before) {
            regressions.incrementAndGet();
            System.err.println("FENCED WRITE: " + n.getPath() + " epoch " + before + " -> " + epoch);
          }
        } catch (Exception e) {
          System.err.println("faults: unreadable work node " + n.getPath());
        }
      }).build());
      cache.start();
    }

    @Override
    public void close() {
      cache.close();
      client.close();
    }
  }
}

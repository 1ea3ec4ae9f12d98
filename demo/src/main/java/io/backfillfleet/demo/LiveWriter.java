package io.backfillfleet.demo;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** The dual-writer: whole documents, legacy first, about 100 operations a second. */
final class LiveWriter implements Runnable {
  static final String DELETED = "DELETED";
  final Map<String, String> last = new ConcurrentHashMap<>();
  final AtomicBoolean stop = new AtomicBoolean();
  final AtomicInteger ops = new AtomicInteger();
  /** Every live operation in order, for diagnosing a failed run. */
  final java.util.Queue<String> journal = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final Cluster legacy;
  private final Cluster fresh;
  private final List<Cluster.HistoryDoc> history;

  private final Instant now;

  LiveWriter(Cluster legacy, Cluster fresh, List<Cluster.HistoryDoc> history, Instant now) {
    this.now = now;
    this.legacy = legacy;
    this.fresh = fresh;
    this.history = history;
  }

  @Override
  public void run() {
    Random r = new Random(7);
    while (!stop.get()) {
      int n = ops.getAndIncrement();
      int kind = r.nextInt(10);
      Cluster.HistoryDoc base = history.get(r.nextInt(history.size()));
      if (kind < 3) {
        Cluster.HistoryDoc created = new Cluster.HistoryDoc("live-" + n, base.tenant(), now.minusSeconds(r.nextInt(86_400)),
            "live-" + n, n % 1000);
        String at = retrying(() -> legacy.upsert(created), () -> fresh.upsert(created));
        last.put(created.id(), created.origin());
        journal.add(n + " create " + created.id() + at);
      } else if (kind < 7) {
        Cluster.HistoryDoc updated = new Cluster.HistoryDoc(base.id(), base.tenant(), base.ts(), "live-" + n, n % 1000);
        String at = retrying(() -> legacy.upsert(updated), () -> fresh.upsert(updated));
        last.put(updated.id(), updated.origin());
        journal.add(n + " update " + updated.id() + at);
      } else {
        String at = retrying(() -> legacy.delete(base.id()), () -> fresh.delete(base.id()));
        last.put(base.id(), DELETED);
        journal.add(n + " delete " + base.id() + at);
      }
      try {
        Thread.sleep(10); // a steady trickle of live traffic
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Legacy first, then the new cluster; returns when each was acknowledged, for the journal. */
  private static String retrying(Runnable legacyWrite, Runnable freshWrite) {
    retrying(legacyWrite);
    java.time.LocalTime legacyAt = java.time.LocalTime.now();
    retrying(freshWrite);
    return " (legacy " + legacyAt + ", new " + java.time.LocalTime.now() + ")";
  }

  /** A dual-writer does not drop a write when a cluster is briefly down: it retries (up to 3 minutes). */
  private static void retrying(Runnable write) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(3);
    while (true) {
      try {
        write.run();
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) throw e;
        try {
          Thread.sleep(200); // the cluster is down; try again shortly
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }
}

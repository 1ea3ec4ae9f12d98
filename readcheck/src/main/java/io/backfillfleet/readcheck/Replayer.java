package io.backfillfleet.readcheck;

import com.google.common.util.concurrent.RateLimiter;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Replays reads to both clusters for teams that cannot put the mirror in the path: each pair is asked of legacy,
 * then of the new cluster, by {@code concurrency} threads at most {@code perSecond} pairs a second (0: no limit),
 * so both clusters see the same load.
 */
public final class Replayer {
  private final ReadCheck check;
  private final int concurrency;
  private final double perSecond;

  public Replayer(ReadCheck check, int concurrency, double perSecond) {
    if (concurrency < 1) throw new IllegalArgumentException("--concurrency must be at least 1");
    if (perSecond < 0) throw new IllegalArgumentException("--rate must not be negative");
    this.check = check;
    this.concurrency = concurrency;
    this.perSecond = perSecond;
  }

  /** Replays {@code pairs} {@code rounds} times; {@code progress} hears the count done now and then. */
  public void replay(List<QueryPair> pairs, int rounds, IntConsumer progress) throws InterruptedException {
    RateLimiter limiter = perSecond > 0 ? RateLimiter.create(perSecond) : null;
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    int total = pairs.size() * rounds;
    ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
      Thread t = new Thread(r, "readcheck-replay");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> tasks = new java.util.ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        tasks.add(pool.submit(() -> {
          for (int k = next.getAndIncrement(); k < total; k = next.getAndIncrement()) {
            if (limiter != null) limiter.acquire();
            check.ask(pairs.get(k % pairs.size()));
            int d = done.incrementAndGet();
            if (d % 500 == 0) progress.accept(d);
          }
        }));
      }
      for (Future<?> f : tasks) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("replaying failed: " + e.getCause(), e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

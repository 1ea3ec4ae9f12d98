package io.backfillfleet.store;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says while a request waits: a server that accepts connections and never answers would otherwise show nothing
 * until its timeout (a minute by default, several with retries). One daemon thread for the process; a request that
 * answers in time costs a scheduled task and its cancellation.
 */
final class SilenceWatch implements AutoCloseable {
  static final Duration EVERY = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(SilenceWatch.class);
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final ScheduledFuture<?> report;

  private SilenceWatch(ScheduledFuture<?> report) {
    this.report = report;
  }

  static SilenceWatch start(String endpoint, String action, int attempt, RetryPolicy policy) {
    long started = System.nanoTime();
    java.util.Map<String, String> context = org.slf4j.MDC.getCopyOfContextMap(); // the worker's job and slice
    return new SilenceWatch(TIMER.scheduleAtFixedRate(() -> {
      if (context != null) org.slf4j.MDC.setContextMap(context);
      LOG.warn(
        "no answer from {} after {} s while {} (try {} of {}; a try waits at most {} s and all of them at most about"
            + " {} s: the job file's requestTimeout and maxAttempts set both)", endpoint,
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), action, attempt, policy.maxAttempts(),
        policy.tryTimeout().toSeconds(), policy.budget().toSeconds());
      org.slf4j.MDC.clear();
    }, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS));
  }

  @Override
  public void close() {
    report.cancel(false);
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
      Thread th = Executors.defaultThreadFactory().newThread(r);
      th.setDaemon(true);
      th.setName("store-silence-watch");
      return th;
    });
    t.setRemoveOnCancelPolicy(true); // millions of answered requests must not leave their tasks queued
    return t;
  }
}

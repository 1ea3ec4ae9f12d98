package io.backfillfleet.store;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Bounded retries with exponential backoff and full jitter, for transient store errors (I/O, 429, 5xx).
 *
 * @param tryTimeout how long one try may wait for an answer (the store's {@code requestTimeout}); with
 *                   {@code maxAttempts} it bounds the whole wait ({@link #budget}), and a try that has waited
 *                   {@link SilenceWatch#EVERY} without an answer is reported while it waits
 */
public record RetryPolicy(int maxAttempts, Duration base, Duration max, Duration tryTimeout) {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RetryPolicy.class);

  public static RetryPolicy of(int maxAttempts) {
    return of(maxAttempts, Duration.ofSeconds(60));
  }

  public static RetryPolicy of(int maxAttempts, Duration tryTimeout) {
    return new RetryPolicy(maxAttempts, Duration.ofMillis(100), Duration.ofSeconds(10), tryTimeout);
  }

  /**
   * The longest a call waits in all, from the user's settings: every try at its timeout, and the longest backoff
   * between them. No try starts once it has passed (a client may spend more than one timeout on a try: SolrJ asks
   * for the live nodes again inside a request), so a call ends within it plus one try.
   */
  public Duration budget() {
    Duration backoffs = Duration.ZERO;
    for (int attempt = 1; attempt < maxAttempts; attempt++) backoffs = backoffs.plusMillis(cap(attempt));
    return tryTimeout.multipliedBy(maxAttempts).plus(backoffs);
  }

  /**
   * Runs {@code body}; a failure that {@code isTransient} accepts is retried, up to {@code maxAttempts} in all,
   * then raised as {@link StoreUnavailableException} naming {@code endpoint}. Other failures pass through.
   */
  public <T> T call(String endpoint, String action, Predicate<Exception> isTransient, Callable<T> body) {
    Exception last = null;
    long started = System.nanoTime();
    int attempt = 1;
    for (; attempt <= maxAttempts; attempt++) {
      if (attempt > 1 && System.nanoTime() - started >= budget().toNanos()) {
        attempt--; // the tries made
        break;
      }
      try (SilenceWatch watch = SilenceWatch.start(endpoint, action, attempt, this)) {
        return body.call();
      } catch (StoreException e) {
        throw e;
      } catch (Exception e) {
        if (!isTransient.test(e)) {
          throw e instanceof RuntimeException re ? re : new StoreException(endpoint + ": " + action + " failed: "
              + StoreUnavailableException.describe(e), e);
        }
        last = e;
        StorePushback.record();
        if (attempt < maxAttempts) {
          long wait = delay(attempt);
          // said at once, so a cluster that cannot be reached shows within one timeout, not after every retry
          LOG.warn("{}: {} failed (try {} of {}, {} left, next in {} ms): {}", endpoint, action, attempt, maxAttempts,
              maxAttempts - attempt, wait, StoreUnavailableException.describe(e));
          sleep(wait);
        }
      }
    }
    throw new StoreUnavailableException(endpoint, action, Math.min(attempt, maxAttempts), last);
  }

  /**
   * For requests that answer item by item (bulk writes and deletes): {@code round} sends the items still pending
   * and returns those the store refused for a transient reason (busy, a shard unreachable), each with the reason.
   * They are sent again after a backoff, up to {@code maxAttempts} rounds in all, then raised as
   * {@link StoreUnavailableException}: an item refused every time was not done, and must not be counted as done or
   * as refused for good.
   */
  public <T> void resendRefused(String endpoint, String action, List<T> items, Function<List<T>, Map<T, String>> round) {
    List<T> pending = items;
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      Map<T, String> refused = round.apply(pending);
      if (refused.isEmpty()) return;
      StorePushback.record();
      if (attempt >= maxAttempts) {
        throw new StoreUnavailableException(endpoint, action + " (" + refused.size() + " of them refused every time)",
            attempt, new IOException(refused.values().iterator().next()));
      }
      backoff(attempt);
      pending = List.copyOf(refused.keySet());
    }
  }

  /** Sleeps before retry number {@code attempt} (1-based): exponential, capped, with jitter. */
  public void backoff(int attempt) {
    sleep(delay(attempt));
  }

  private long delay(int attempt) {
    long cap = cap(attempt);
    return ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
  }

  private long cap(int attempt) {
    return Math.min(max.toMillis(), base.toMillis() << Math.min(attempt - 1, 20));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting to retry", e);
    }
  }
}

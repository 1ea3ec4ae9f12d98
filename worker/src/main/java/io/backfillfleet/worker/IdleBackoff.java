package io.backfillfleet.worker;

import io.backfillfleet.coordinator.SliceBoard;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a worker with nothing to claim waits before it looks again: from half a second, doubling up to ten seconds,
 * with jitter, and back to the start after a claim. At the end of a job a thousand idle workers otherwise list the
 * open buckets twice a second each; a pause or a throttle change still wakes them at once.
 */
final class IdleBackoff {
  private static final long FIRST_MS = 500;
  private static final long MAX_MS = 10_000;
  private long nextMs = FIRST_MS;

  void reset() {
    nextMs = FIRST_MS;
  }

  void pause(SliceBoard board) throws InterruptedException {
    long wait = nextMs / 2 + ThreadLocalRandom.current().nextLong(nextMs / 2 + 1);
    nextMs = Math.min(MAX_MS, nextMs * 2);
    board.awaitChange(Duration.ofMillis(wait));
  }
}

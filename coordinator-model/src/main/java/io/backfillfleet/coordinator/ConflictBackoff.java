package io.backfillfleet.coordinator;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The pause between compare-and-set attempts that lost to another writer. Writers that retry in lockstep keep
 * colliding (seen with four concurrent throttle changes on a busy machine); a random, growing pause lets one through.
 */
final class ConflictBackoff {
  static final int ATTEMPTS = 30;

  private ConflictBackoff() {}

  static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L << Math.min(attempt, 5))); // up to 160 ms
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CoordinationException("interrupted while retrying a change another writer got to first");
    }
  }
}
